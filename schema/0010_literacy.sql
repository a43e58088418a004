-- The digital-literacy test (docs/literacy.md). The bundled item bank lives in
-- the binary (content/literacy/); a college's own items, its changes to any item
-- (retired, calibrated parameters) and its settings are here, with the tests its
-- students take and every answer. Times are ISO 8601 UTC with milliseconds.

-- Items a college imported: the item's JSON as checked at import. An imported
-- item with the id of a bundled one takes its place in that college.
CREATE TABLE literacy_items (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    id             TEXT NOT NULL,
    version        INTEGER NOT NULL,
    item           TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    imported_by    INTEGER REFERENCES users (id),
    PRIMARY KEY (institution_id, id)
);

-- A college's changes to any item of its bank: retired (not selected any more),
-- parameters from an applied calibration (JSON as literacy_irt_json writes them;
-- NULL: the item's own), kept for the item version they were estimated on, and
-- the Sympson-Hetter exposure parameter tuned for the college (NULL: 1).
CREATE TABLE literacy_item_state (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    id             TEXT NOT NULL,
    retired        INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    irt            TEXT,
    irt_version    INTEGER,
    calibration_id INTEGER,
    exposure_k     REAL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (institution_id, id)
);

-- The test settings of a college (JSON as literacy_settings_json writes them).
CREATE TABLE literacy_settings (
    institution_id INTEGER PRIMARY KEY REFERENCES institutions (id),
    settings       TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     INTEGER REFERENCES users (id)
);

-- A test. status 'active' until it ends; while active, current_item holds the
-- item presented (its JSON with the parameters in use, so a change of the bank
-- does not change a test under way) as number answered + 1. stop_reason is set
-- when the test stops (then current_item is NULL) and ended_at with it. passed
-- lists the items the Sympson-Hetter lottery passed over (JSON array of ids), which
-- the test may not present any more. The
-- statements are written from the stored rows, so finishing again after a
-- failure writes the same ones. result is the profile and learning path.
CREATE TABLE literacy_tests (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    uuid           TEXT NOT NULL,
    student_id     INTEGER NOT NULL REFERENCES users (id),
    mode           TEXT NOT NULL CHECK (mode IN ('practice', 'certified')),
    status         TEXT NOT NULL CHECK (status IN ('active', 'finished')),
    seed           INTEGER NOT NULL,
    settings       TEXT NOT NULL,
    answered       INTEGER NOT NULL DEFAULT 0,
    current_item   TEXT,
    presented_at   TEXT,
    passed         TEXT NOT NULL DEFAULT '[]',
    theta          REAL NOT NULL DEFAULT 0,
    se             REAL NOT NULL DEFAULT 1,
    stop_reason    TEXT,
    ended_at       TEXT,
    result         TEXT,
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    UNIQUE (institution_id, uuid)
);
CREATE UNIQUE INDEX literacy_tests_one_active ON literacy_tests (student_id) WHERE status = 'active';
CREATE INDEX literacy_tests_by_student ON literacy_tests (institution_id, student_id, started_at);
CREATE INDEX literacy_tests_by_time ON literacy_tests (institution_id, started_at);

-- One answer of a test: the item as presented (id, version, competence, the
-- parameters in use), the answer (JSON array of ids), the category it earned
-- and the estimate after it.
CREATE TABLE literacy_responses (
    test_id        INTEGER NOT NULL REFERENCES literacy_tests (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    student_id     INTEGER NOT NULL REFERENCES users (id),
    item_id        TEXT NOT NULL,
    item_version   INTEGER NOT NULL,
    competence     TEXT NOT NULL,
    irt            TEXT NOT NULL,
    category       INTEGER NOT NULL,
    max_category   INTEGER NOT NULL,
    answer         TEXT NOT NULL,
    presented_at   TEXT NOT NULL,
    answered_at    TEXT NOT NULL,
    theta          REAL NOT NULL,
    se             REAL NOT NULL,
    PRIMARY KEY (test_id, seq)
);
CREATE INDEX literacy_responses_by_item ON literacy_responses (institution_id, item_id);

-- A calibration run: its report (JSON: options, result, every item's old and
-- new parameters, errors and fit), and when and by whom it was applied.
CREATE TABLE literacy_calibrations (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    created_at     TEXT NOT NULL,
    created_by     INTEGER REFERENCES users (id),
    persons        INTEGER NOT NULL,
    responses      INTEGER NOT NULL,
    estimated      INTEGER NOT NULL,
    report         TEXT NOT NULL,
    applied_at     TEXT,
    applied_by     INTEGER REFERENCES users (id)
);
CREATE INDEX literacy_calibrations_by_time ON literacy_calibrations (institution_id, created_at);
