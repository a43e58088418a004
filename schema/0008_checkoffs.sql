-- Skill check-offs: a teacher watched a student perform a skill of a bundled
-- checklist (content/checkoffs/) and ticked the steps done. The xAPI statement
-- written for it carries the same id as the row (uuid, made by the client and
-- used as the idempotency key of offline resubmission), so the two can always
-- be matched. ticked, missed and critical_missed are JSON arrays of step ids in
-- the checklist's order; times are ISO 8601 UTC with milliseconds.

CREATE TABLE checkoff_results (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions (id),
    uuid            TEXT NOT NULL,
    checklist       TEXT NOT NULL,
    version         INTEGER NOT NULL,
    student_id      INTEGER NOT NULL REFERENCES users (id),
    teacher_id      INTEGER NOT NULL REFERENCES users (id),
    passed          INTEGER NOT NULL CHECK (passed IN (0, 1)),
    steps_total     INTEGER NOT NULL,
    steps_ticked    INTEGER NOT NULL,
    ticked          TEXT NOT NULL,
    missed          TEXT NOT NULL,
    critical_missed TEXT NOT NULL,
    comment         TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    ended_at        TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    UNIQUE (institution_id, uuid)
);
CREATE INDEX checkoff_results_by_student ON checkoff_results (institution_id, student_id, ended_at);
CREATE INDEX checkoff_results_by_time ON checkoff_results (institution_id, ended_at);
