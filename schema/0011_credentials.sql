-- Credentials an institution issues: its issuer profile and signing keys,
-- achievement definitions with their award rules, the badges awarded (each a
-- signed Open Badges 3.0 credential), revocation status lists, learner records
-- (CLR 2.0) and what the award worker has read of the statement log
-- (src/credential/, docs/credentials.md).

-- The issuer profile of an institution. did_method: how its credentials name
-- it: 'web' did:web:HOST:institutions:ID, 'host' did:web:HOST (a server of one
-- college), 'key' the did:key of the current key.
CREATE TABLE credential_issuers (
    institution_id INTEGER PRIMARY KEY REFERENCES institutions (id),
    name_en        TEXT NOT NULL,
    name_zh        TEXT NOT NULL,
    url            TEXT NOT NULL DEFAULT '',
    image          TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    did_method     TEXT NOT NULL DEFAULT 'web' CHECK (did_method IN ('web', 'host', 'key')),
    updated_at     TEXT NOT NULL
);

-- Ed25519 keys, numbered per institution (key-1, key-2, ...). The current key
-- is the one without active_until; older ones stay so that what they signed
-- still verifies. The 32-byte seed is sealed with the data directory's key.
CREATE TABLE credential_keys (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    number         INTEGER NOT NULL,
    public_key     TEXT NOT NULL, -- publicKeyMultibase (z6Mk...)
    seed_sealed    TEXT NOT NULL,
    active_from    TEXT NOT NULL,
    active_until   TEXT,
    UNIQUE (institution_id, number)
);

-- What a badge is for. uuid and uuid_zh name its English and Chinese editions
-- (urn:uuid:...); alignments is a JSON array of CFItem identifiers. With a
-- rule_level, the award worker awards it to a learner whose latest attained
-- level in every item of achievement_rule_items is at least that level.
-- rule_dirty: the rule changed, every learner is looked at again.
CREATE TABLE achievements (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions (id),
    uuid            TEXT NOT NULL UNIQUE,
    uuid_zh         TEXT NOT NULL UNIQUE,
    name_en         TEXT NOT NULL,
    name_zh         TEXT NOT NULL,
    description_en  TEXT NOT NULL,
    description_zh  TEXT NOT NULL,
    criteria_en     TEXT NOT NULL,
    criteria_zh     TEXT NOT NULL,
    image           TEXT NOT NULL,  -- SVG
    image_generated INTEGER NOT NULL DEFAULT 1,
    alignments      TEXT NOT NULL DEFAULT '[]',
    rule_level      INTEGER CHECK (rule_level IS NULL OR rule_level BETWEEN 2 AND 4),
    validity_days   INTEGER CHECK (validity_days IS NULL OR validity_days BETWEEN 1 AND 3660),
    rule_dirty      INTEGER NOT NULL DEFAULT 0,
    archived        INTEGER NOT NULL DEFAULT 0,
    created_by      INTEGER,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX achievements_by_institution ON achievements (institution_id, archived, id);

CREATE TABLE achievement_rule_items (
    achievement_id INTEGER NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL,
    item           TEXT NOT NULL,
    PRIMARY KEY (achievement_id, item)
);
CREATE INDEX achievement_rule_items_by_item ON achievement_rule_items (institution_id, item);

-- W3C Bitstring Status Lists: bits (131,072 of them) say which credentials are
-- revoked (bit 0 the most significant bit of the first byte); used which
-- indexes are taken. credential is the signed list as served, re-signed on
-- every change.
CREATE TABLE status_lists (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    list           INTEGER NOT NULL,
    bits           BLOB NOT NULL,
    used           BLOB NOT NULL,
    allocated      INTEGER NOT NULL DEFAULT 0,
    issuer         TEXT NOT NULL, -- the DID that signs it: the issuer of its credentials
    credential     TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (institution_id, list)
);
CREATE INDEX status_lists_by_issuer ON status_lists (institution_id, issuer, allocated);

-- Awarded badges: the signed credential as issued, never changed afterwards.
-- replaces: the award this one re-certifies. Revocation is the status bit; the
-- columns say who, when and why (the audit_log keeps every change).
CREATE TABLE badge_awards (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    uuid           TEXT NOT NULL UNIQUE,
    achievement_id INTEGER NOT NULL REFERENCES achievements (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    source         TEXT NOT NULL CHECK (source IN ('rule', 'manual', 'bulk', 'recertify')),
    awarded_by     INTEGER,
    issued_at      TEXT NOT NULL,
    valid_until    TEXT,
    status_list    INTEGER NOT NULL,
    status_index   INTEGER NOT NULL,
    replaces       INTEGER REFERENCES badge_awards (id),
    credential     TEXT NOT NULL,
    statement_id   TEXT NOT NULL,            -- the xAPI statement saying it was earned
    recorded       INTEGER NOT NULL DEFAULT 0, -- that statement is stored
    revoked_at     TEXT,
    revoked_by     INTEGER,
    revoke_reason  TEXT,
    UNIQUE (institution_id, status_list, status_index)
);
CREATE INDEX badge_awards_by_user ON badge_awards (institution_id, user_id, id);
CREATE INDEX badge_awards_by_achievement ON badge_awards (achievement_id, user_id);
CREATE INDEX badge_awards_unrecorded ON badge_awards (institution_id) WHERE recorded = 0;

-- Learner records (CLR 2.0) as issued: a new one when the badges in it change.
CREATE TABLE learner_records (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    uuid           TEXT NOT NULL UNIQUE,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    awards         TEXT NOT NULL, -- the award ids it holds, "3,7,9"
    credential     TEXT NOT NULL,
    issued_at      TEXT NOT NULL
);
CREATE INDEX learner_records_by_user ON learner_records (institution_id, user_id, id);

-- The attainment statements the award worker has read (the mastery engine's
-- attained / mastered statements): a learner's level in an item is the level
-- of the newest one that is not voided.
CREATE TABLE badge_attainments (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    statement_id   TEXT NOT NULL,
    item           TEXT NOT NULL,
    user_id        INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    level          INTEGER NOT NULL,
    voided         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (institution_id, statement_id, item)
);
CREATE INDEX badge_attainments_by_user ON badge_attainments (institution_id, user_id, item, seq);

-- How far the award worker has read each institution's statements: seq, and
-- the id of the statement there (when it is gone, statements were erased and
-- their numbers may come back: the worker reads again from the start).
CREATE TABLE badge_cursors (
    institution_id INTEGER PRIMARY KEY REFERENCES institutions (id),
    seq            INTEGER NOT NULL,
    statement_id   TEXT NOT NULL DEFAULT ''
);
