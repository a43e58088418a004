-- Statement forwarding: other LRSs that receive a copy of every statement of
-- an institution (src/xapi/forward.h). The queue is the statement log itself:
-- last_seq is the store order (xapi_statements.seq) of the last statement the
-- receiving LRS acknowledged; everything after it is still to be sent.
CREATE TABLE xapi_forward_targets (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions (id),
    name            TEXT NOT NULL,
    url             TEXT NOT NULL,    -- the receiver's xAPI endpoint; "statements" is appended
    key             TEXT NOT NULL,    -- Basic auth user name at the receiver
    secret_sealed   TEXT NOT NULL,    -- the secret, sealed with the data directory's key (util/seal.h)
    version         TEXT NOT NULL,    -- the X-Experience-API-Version sent: '1.0.3' or '2.0.0'
    enabled         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    last_seq        INTEGER NOT NULL DEFAULT 0,
    delivered       INTEGER NOT NULL DEFAULT 0, -- statements the receiver accepted
    conflicts       INTEGER NOT NULL DEFAULT 0, -- statements it refused with 409, skipped
    attempts        INTEGER NOT NULL DEFAULT 0, -- failed attempts since the last success
    next_attempt_at TEXT NOT NULL,              -- ISO 8601 UTC with milliseconds: sorts as text
    last_status     INTEGER NOT NULL DEFAULT 0, -- HTTP status of the last failure; 0: no answer
    last_error      TEXT,
    last_error_at   TEXT,
    last_success_at TEXT
);
CREATE INDEX xapi_forward_targets_by_institution ON xapi_forward_targets (institution_id);
