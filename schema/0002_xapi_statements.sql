-- The Learning Record Store: LRS clients and statements.

-- An LRS client authenticates with HTTP Basic (key:secret). The secret is 32
-- random bytes, so a SHA-256 of it is as good as a slow hash and lets every
-- request be authenticated cheaply.
CREATE TABLE xapi_clients (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    name           TEXT NOT NULL,
    key            TEXT NOT NULL UNIQUE,
    secret_hash    TEXT NOT NULL,
    scopes         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    revoked_at     TEXT
);
CREATE INDEX xapi_clients_by_institution ON xapi_clients (institution_id);

-- Statements in the order they were stored (seq is the stable cursor for
-- paging). The full JSON is kept as stored; the columns beside it are what
-- queries filter on.
CREATE TABLE xapi_statements (
    seq            INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    id             TEXT NOT NULL,
    verb           TEXT NOT NULL,
    target         TEXT,          -- the statement id a StatementRef object points at
    registration   TEXT,
    stored         TEXT NOT NULL, -- ISO 8601 UTC with milliseconds: sorts as text
    voided         INTEGER NOT NULL DEFAULT 0,
    client_id      INTEGER,
    statement      TEXT NOT NULL,
    UNIQUE (institution_id, id)
);
CREATE INDEX xapi_statements_by_verb ON xapi_statements (institution_id, verb, seq);
CREATE INDEX xapi_statements_by_registration ON xapi_statements (institution_id, registration, seq)
    WHERE registration IS NOT NULL;
CREATE INDEX xapi_statements_by_target ON xapi_statements (institution_id, target)
    WHERE target IS NOT NULL;
CREATE INDEX xapi_statements_by_stored ON xapi_statements (institution_id, stored);

-- The agents and activities a statement involves, for the agent and activity
-- filters: direct = 1 for the actor and the object (what `agent` and
-- `activity` match), 0 for the others that `related_agents` and
-- `related_activities` add (authority, instructor, team, context activities,
-- the inside of a SubStatement).
CREATE TABLE xapi_statement_agents (
    seq            INTEGER NOT NULL REFERENCES xapi_statements (seq) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL,
    agent          TEXT NOT NULL,
    direct         INTEGER NOT NULL,
    PRIMARY KEY (agent, institution_id, seq, direct)
);
CREATE INDEX xapi_statement_agents_by_seq ON xapi_statement_agents (seq);

CREATE TABLE xapi_statement_activities (
    seq            INTEGER NOT NULL REFERENCES xapi_statements (seq) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL,
    activity       TEXT NOT NULL,
    direct         INTEGER NOT NULL,
    PRIMARY KEY (activity, institution_id, seq, direct)
);
CREATE INDEX xapi_statement_activities_by_seq ON xapi_statement_activities (seq);

-- The latest definition of each activity, as statements (or `define` clients) gave it.
CREATE TABLE xapi_activities (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    id             TEXT NOT NULL,
    definition     TEXT NOT NULL,
    PRIMARY KEY (institution_id, id)
);

-- Attachments by their SHA-256, shared by the statements that carry them.
CREATE TABLE xapi_attachments (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    sha2           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    content        BLOB NOT NULL,
    PRIMARY KEY (institution_id, sha2)
);

-- What administrators did to learning records (erasures), for accountability.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    at             TEXT NOT NULL,
    actor_user_id  INTEGER,
    action         TEXT NOT NULL,
    detail         TEXT NOT NULL
);
