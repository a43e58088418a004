-- The LRS document resources: State, Activity Profile and Agent Profile.
--
-- One table for the three kinds. They have the same columns and the same
-- operations (get, put, merge, conditional requests, list by set and since,
-- delete), so one table means one set of statements in xapi/document.c
-- instead of three copies, and erasing a learner (state and agent profiles)
-- is one DELETE. The kind column says which key fields apply; the CHECK keeps
-- the others empty.
--
-- Key fields that do not apply, and a state without a registration, are ''
-- rather than NULL: NULLs are distinct in a UNIQUE constraint (in SQLite and
-- in PostgreSQL), so with NULLs the key would not be unique. A registration
-- is a UUID, so '' ("no registration") cannot collide with one.
--
-- The primary key puts agent_key before activity_id so that its prefix
-- (institution_id, kind, agent_key) serves erasing a learner as well as the
-- lookups of all three kinds; the second index serves listing a set's ids
-- updated after `since`.
--
-- The content is a BLOB: documents may hold any bytes (a NUL, invalid UTF-8).
CREATE TABLE xapi_documents (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    kind           TEXT NOT NULL CHECK (kind IN ('state', 'activity_profile', 'agent_profile')),
    agent_key      TEXT NOT NULL, -- xapi_agent_key() of the agent (state, agent profile)
    activity_id    TEXT NOT NULL, -- the activity IRI (state, activity profile)
    registration   TEXT NOT NULL, -- state only; '' when the state has none
    doc_id         TEXT NOT NULL, -- stateId or profileId
    content_type   TEXT NOT NULL,
    content        BLOB NOT NULL,
    etag           TEXT NOT NULL, -- lower-case hex SHA-1 of the content
    updated        TEXT NOT NULL, -- ISO 8601 UTC with milliseconds: sorts as text
    PRIMARY KEY (institution_id, kind, agent_key, activity_id, registration, doc_id),
    CHECK (doc_id <> ''),
    CHECK ((kind = 'state' AND agent_key <> '' AND activity_id <> '')
        OR (kind = 'activity_profile' AND agent_key = '' AND activity_id <> ''
            AND registration = '')
        OR (kind = 'agent_profile' AND agent_key <> '' AND activity_id = ''
            AND registration = ''))
);
CREATE INDEX xapi_documents_by_updated
    ON xapi_documents (institution_id, kind, agent_key, activity_id, registration, updated);
