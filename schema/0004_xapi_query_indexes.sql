-- Statement queries that walk one index in store order and stop at the page.
--
-- A statement whose object is a StatementRef matches the filters its target
-- matches, and so on along the chain of targets (xAPI 1.0.3 and 2.0, "Filter
-- Conditions for StatementRefs": "this rule applies recursively"). So that
-- such a statement is found by the same index walk as the others, it is
-- indexed, when it is stored, under what each statement of its chain is
-- indexed under:
--
--   xapi_statement_agents, xapi_statement_activities: the members' own rows
--     copied with direct + 2 (2: related, 3: direct). A statement's own rows
--     keep direct 0 and 1.
--   xapi_statement_chain: one row per member, with the member's verb and
--     registration for the verb and registration filters, and the member
--     itself for the filters combined (all of them must hold for one
--     statement of the chain).
--
-- The chain is followed through at most 16 StatementRefs, so that no insert
-- does more than 16 steps of this work (xapi/refs.h). A target stored after
-- the statements that target it, and an erased member, make the LRS redo the
-- chains that pass through it.
CREATE TABLE xapi_statement_chain (
    seq            INTEGER NOT NULL REFERENCES xapi_statements (seq) ON DELETE CASCADE,
    member         INTEGER NOT NULL REFERENCES xapi_statements (seq) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL,
    verb           TEXT NOT NULL,
    registration   TEXT,
    PRIMARY KEY (seq, member)
);
CREATE INDEX xapi_statement_chain_by_member ON xapi_statement_chain (member);
CREATE INDEX xapi_statement_chain_by_verb ON xapi_statement_chain (institution_id, verb, seq);
CREATE INDEX xapi_statement_chain_by_registration
    ON xapi_statement_chain (institution_id, registration, seq) WHERE registration IS NOT NULL;

-- A query without filters walks its institution's statements in store order
-- (an index entry ends with the rowid, seq).
CREATE INDEX xapi_statements_by_institution ON xapi_statements (institution_id);

-- The chains of the statements stored before this migration. Members are
-- found by id within the institution; a cycle stops where it comes back.
WITH RECURSIVE walk (seq, institution_id, member, next, depth) AS (
    SELECT r.seq, r.institution_id, t.seq, t.target, 1
    FROM xapi_statements r
    JOIN xapi_statements t ON t.institution_id = r.institution_id AND t.id = r.target
    WHERE r.target IS NOT NULL AND t.seq <> r.seq
    UNION
    SELECT w.seq, w.institution_id, t.seq, t.target, w.depth + 1
    FROM walk w
    JOIN xapi_statements t ON t.institution_id = w.institution_id AND t.id = w.next
    WHERE w.next IS NOT NULL AND w.depth < 16 AND t.seq <> w.seq
)
INSERT INTO xapi_statement_chain (seq, member, institution_id, verb, registration)
SELECT w.seq, w.member, w.institution_id, m.verb, m.registration
FROM walk w JOIN xapi_statements m ON m.seq = w.member
WHERE true
ON CONFLICT DO NOTHING;

INSERT INTO xapi_statement_agents (seq, institution_id, agent, direct)
SELECT c.seq, c.institution_id, a.agent, a.direct + 2
FROM xapi_statement_chain c JOIN xapi_statement_agents a ON a.seq = c.member AND a.direct < 2
WHERE true
ON CONFLICT DO NOTHING;

INSERT INTO xapi_statement_activities (seq, institution_id, activity, direct)
SELECT c.seq, c.institution_id, a.activity, a.direct + 2
FROM xapi_statement_chain c JOIN xapi_statement_activities a ON a.seq = c.member AND a.direct < 2
WHERE true
ON CONFLICT DO NOTHING;
