-- Competency frameworks (CASE 1.1) and the alignments of activities to their items.
--
-- A framework is public by nature (CASE exists to publish them), so its rows
-- are shared by every institution of the server; owner_institution_id says
-- which college imported it (NULL: bundled with CareCampus), and only that
-- college may replace or delete it. Identifiers are the CASE UUIDs, globally
-- unique. Each row keeps the object exactly as imported (json), so that an
-- export gives back what came in; the columns beside it are what the code
-- reads and searches.

CREATE TABLE case_documents (
    identifier            TEXT PRIMARY KEY,
    owner_institution_id  INTEGER REFERENCES institutions (id),
    uri                   TEXT NOT NULL,
    title                 TEXT NOT NULL,
    language              TEXT,
    last_change           TEXT NOT NULL,
    json                  TEXT NOT NULL,
    imported_at           TEXT NOT NULL
);

CREATE TABLE case_items (
    identifier     TEXT PRIMARY KEY,
    document_id    TEXT NOT NULL REFERENCES case_documents (identifier) ON DELETE CASCADE,
    position       INTEGER NOT NULL,      -- order in the package
    human_coding   TEXT,
    item_type      TEXT,
    full_statement TEXT NOT NULL,
    search_text    TEXT NOT NULL,         -- statements in every language, lower case
    json           TEXT NOT NULL
);
CREATE INDEX case_items_by_document ON case_items (document_id, position);

-- Associations, including the isChildOf tree and crosswalks (exactMatchOf,
-- isRelatedTo) between items of two frameworks. document_id is the package
-- that carried the association; origin and destination are CASE identifiers
-- (of an item or a document) and need not be stored here (a crosswalk may
-- point into a framework not imported).
CREATE TABLE case_associations (
    identifier     TEXT PRIMARY KEY,
    document_id    TEXT NOT NULL REFERENCES case_documents (identifier) ON DELETE CASCADE,
    type           TEXT NOT NULL,
    origin         TEXT NOT NULL,
    destination    TEXT NOT NULL,
    sequence       INTEGER,
    json           TEXT NOT NULL
);
CREATE INDEX case_associations_by_origin ON case_associations (origin, type);
CREATE INDEX case_associations_by_destination ON case_associations (destination, type);
CREATE INDEX case_associations_by_document ON case_associations (document_id);

-- CFDefinitions of a package: CFItemTypes, CFSubjects, CFConcepts, CFLicenses,
-- CFAssociationGroupings.
CREATE TABLE case_definitions (
    identifier     TEXT NOT NULL,
    kind           TEXT NOT NULL,
    document_id    TEXT NOT NULL REFERENCES case_documents (identifier) ON DELETE CASCADE,
    title          TEXT,
    json           TEXT NOT NULL,
    PRIMARY KEY (kind, identifier, document_id)
);
CREATE INDEX case_definitions_by_document ON case_definitions (document_id);

-- How an activity counts for competencies: activity IRI -> CFItem identifier,
-- per institution. source is 'content' (bundled or module content) or 'admin'
-- (set in the alignment editor for external activities).
CREATE TABLE competency_alignments (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    activity       TEXT NOT NULL,
    item           TEXT NOT NULL,
    source         TEXT NOT NULL CHECK (source IN ('content', 'admin')),
    created_at     TEXT NOT NULL,
    PRIMARY KEY (institution_id, activity, item)
);
CREATE INDEX competency_alignments_by_item ON competency_alignments (institution_id, item);
