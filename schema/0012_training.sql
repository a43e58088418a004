-- Training in the simulated care home (docs/training.md): teachers assign
-- scenarios (content/scenarios/) to a class; students play them live, in
-- practice or assessment mode. A session is rebuilt at any time by replaying
-- its log onto the deterministic engine: the scenario and version, the seed,
-- and the trainee's actions with the simulated time of each. Times are ISO
-- 8601 UTC with milliseconds; simulated times are milliseconds from the start.

CREATE TABLE training_assignments (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    class_id       INTEGER NOT NULL REFERENCES classes (id),
    scenario       TEXT NOT NULL,
    mode           TEXT NOT NULL CHECK (mode IN ('practice', 'assessment')),
    opens_at       TEXT NOT NULL,
    due_at         TEXT,                                -- NULL: no due date
    attempts       INTEGER NOT NULL CHECK (attempts BETWEEN 0 AND 20), -- 0: as many as wanted
    created_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX training_assignments_by_class ON training_assignments (institution_id, class_id, opens_at);

CREATE TABLE training_sessions (
    id               INTEGER PRIMARY KEY,
    institution_id   INTEGER NOT NULL REFERENCES institutions (id),
    uuid             TEXT NOT NULL,                     -- the xAPI registration
    user_id          INTEGER NOT NULL REFERENCES users (id),
    assignment_id    INTEGER REFERENCES training_assignments (id), -- NULL: free practice
    scenario         TEXT NOT NULL,
    scenario_version INTEGER NOT NULL,
    mode             TEXT NOT NULL CHECK (mode IN ('practice', 'assessment')),
    seed             INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('running', 'paused', 'ended')),
    speed            INTEGER NOT NULL CHECK (speed BETWEEN 1 AND 10),
    sim_ms           INTEGER NOT NULL,                  -- where the clock stands (saved every few s)
    active_ms        INTEGER NOT NULL,                  -- wall time the clock ran
    interruptions    INTEGER NOT NULL DEFAULT 0,        -- the trainee's page went away while it ran
    pauses           INTEGER NOT NULL DEFAULT 0,
    hints            INTEGER NOT NULL DEFAULT 0,
    actions          INTEGER NOT NULL DEFAULT 0,
    alerts_open      INTEGER NOT NULL DEFAULT 0,
    score_percent    INTEGER,                           -- so far while it runs; final once ended
    passed           INTEGER CHECK (passed IN (0, 1)),  -- NULL until it ends
    critical_errors  INTEGER NOT NULL DEFAULT 0,
    statements       INTEGER NOT NULL DEFAULT 0,        -- 1 once the completion statement is stored
    started_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    ended_at         TEXT,
    result           TEXT,                              -- the engine's whole result, once ended
    UNIQUE (institution_id, uuid)
);
CREATE INDEX training_sessions_by_user ON training_sessions (institution_id, user_id, started_at);
CREATE INDEX training_sessions_by_assignment ON training_sessions (assignment_id, user_id);
CREATE INDEX training_sessions_by_status ON training_sessions (status, institution_id);

-- What the trainee did, in order: actions (replayed onto the engine), and the
-- pauses, speeds and hints a teacher sees in the debrief. xapi is 1 once the
-- action's statement is stored (a failed one is stored again when the session ends).
CREATE TABLE training_log (
    session_id INTEGER NOT NULL REFERENCES training_sessions (id),
    n          INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('action', 'pause', 'resume', 'speed', 'hint')),
    sim_ms     INTEGER NOT NULL,
    at         TEXT NOT NULL,
    body       TEXT NOT NULL,   -- action: the action as sent; speed: the new speed; hint: the expected action's id
    xapi       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, n)
);
