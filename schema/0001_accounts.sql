-- Institutions (tenants), users, sessions, classes and enrolments.
-- Every row that belongs to a college carries institution_id, and every query
-- filters by the caller's institution.

CREATE TABLE institutions (
    id          INTEGER PRIMARY KEY,
    name_en     TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    country     TEXT NOT NULL CHECK (length(country) = 2),
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    login          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'teacher', 'student', 'verifier')),
    lang           TEXT NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'zh-CN')),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX users_by_institution ON users (institution_id, role, name);

-- A session is known by the SHA-256 of its token; the token itself is never stored.
CREATE TABLE sessions (
    token_hash     TEXT PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE classes (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    name           TEXT NOT NULL,
    teacher_id     INTEGER NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL,
    UNIQUE (institution_id, name)
);
CREATE INDEX classes_by_teacher ON classes (teacher_id);

CREATE TABLE enrolments (
    class_id       INTEGER NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    enrolled_at    TEXT NOT NULL,
    PRIMARY KEY (class_id, user_id)
);
CREATE INDEX enrolments_by_user ON enrolments (user_id);
