-- Mastery of competencies, derived from the statement log (src/competency/,
-- docs/mastery.md). Apart from mastery_learners (who is who) every row here is
-- a function of xapi_statements, the CASE tables and competency_alignments:
-- `carecampus mastery rebuild` recomputes them, row for row the same.

-- How far each institution's statements have been read, and from which inputs
-- (a SHA-256 of the frameworks' items, trees and crosswalks and of the
-- institution's alignments): when the inputs change, the state is recomputed
-- from the first statement. reset_seq is the last statement there was when
-- that started, for showing the progress of a recomputation.
CREATE TABLE mastery_cursors (
    institution_id INTEGER PRIMARY KEY REFERENCES institutions (id),
    seq            INTEGER NOT NULL,
    inputs         TEXT NOT NULL,
    reset_seq      INTEGER NOT NULL,
    reset_at       TEXT NOT NULL
);

-- A learner is an actor of statements, known by the key of its inverse
-- functional identifier (xapi_agent_key); a platform user is the account
-- {"homePage": "https://lrs.carecampus.invalid/users", "name": login}.
CREATE TABLE mastery_learners (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    agent          TEXT NOT NULL,
    UNIQUE (institution_id, agent)
);

-- The level of a learner in one CFItem, and the additive aggregates it is
-- computed from: the item's own evidence (evidence, scored, passed,
-- score_sum in thousandths), its newest scored results (recent:
-- "at:seq:score:passed" newest first, comma-separated, at most 3) and its
-- children's levels (child_sum, child_started: how many children are above
-- 0). changed_seq: the statement that last changed the level. attained: the
-- highest level published as attained since the last correction (a voiding
-- statement that took a level away).
CREATE TABLE mastery_levels (
    learner_id     INTEGER NOT NULL REFERENCES mastery_learners (id) ON DELETE CASCADE,
    item           TEXT NOT NULL,
    institution_id INTEGER NOT NULL,
    level          INTEGER NOT NULL,
    own_level      INTEGER NOT NULL,
    evidence       INTEGER NOT NULL,
    scored         INTEGER NOT NULL,
    passed         INTEGER NOT NULL,
    score_sum      INTEGER NOT NULL,
    recent         TEXT NOT NULL,
    child_sum      INTEGER NOT NULL,
    child_started  INTEGER NOT NULL,
    changed_seq    INTEGER NOT NULL,
    attained       INTEGER NOT NULL,
    PRIMARY KEY (learner_id, item)
);

-- Which statements count for which item: one row per statement and item,
-- the statement's actor being the learner. at is the statement's timestamp
-- (ms since the epoch): the most recent results are those with the latest
-- (at, seq). score is in thousandths, NULL for a statement without a result
-- to score (it shows the learner has begun). via: the statement names the
-- item (direct), its activity is aligned to it (alignment), or it counts for
-- via_item, an exactMatchOf of this one (crosswalk).
--
-- Rows are added in store order, so the one index (the key, by seq) only ever
-- grows at its end; a learner's evidence is found through the LRS's index of
-- statements by agent (xapi_statement_agents).
CREATE TABLE mastery_evidence (
    seq            INTEGER NOT NULL REFERENCES xapi_statements (seq) ON DELETE CASCADE,
    item           TEXT NOT NULL,
    learner_id     INTEGER NOT NULL REFERENCES mastery_learners (id) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    score          INTEGER,
    passed         INTEGER NOT NULL,
    via            TEXT NOT NULL CHECK (via IN ('direct', 'alignment', 'crosswalk')),
    via_item       TEXT,
    PRIMARY KEY (seq, item)
);

-- Attainments and corrections waiting to be published as xAPI statements
-- (written in the transaction that made them, recorded through xapi_record()
-- afterwards; statement_id is a UUID v5, so recording twice stores once).
CREATE TABLE mastery_outbox (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    statement_id   TEXT NOT NULL,
    learner_id     INTEGER NOT NULL REFERENCES mastery_learners (id) ON DELETE CASCADE,
    item           TEXT NOT NULL,
    level          INTEGER NOT NULL,
    previous       INTEGER NOT NULL,
    trigger_id     TEXT NOT NULL,
    at             TEXT NOT NULL
);
CREATE INDEX mastery_outbox_by_institution ON mastery_outbox (institution_id, id);
