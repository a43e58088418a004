-- What a CASE package holds beyond 0006, so that an export gives back the
-- whole package that was imported, in its order.
--
-- The package's own `extensions` and those of its CFDefinitions have no object
-- of their own: they are kept beside the document. `bundled` marks the
-- frameworks that come with CareCampus (content/frameworks/), loaded with no
-- owner at every start when the files are newer.

ALTER TABLE case_documents ADD COLUMN package_extensions TEXT;
ALTER TABLE case_documents ADD COLUMN definitions_extensions TEXT;
ALTER TABLE case_documents ADD COLUMN bundled INTEGER NOT NULL DEFAULT 0;

-- Order in the package: CFAssociations[i] and CFDefinitions.<kind>[i].
ALTER TABLE case_associations ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_definitions ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

-- CFRubrics, each with its criteria and their levels inside its json.
CREATE TABLE case_rubrics (
    identifier   TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES case_documents (identifier) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    title        TEXT,
    json         TEXT NOT NULL
);
CREATE INDEX case_rubrics_by_document ON case_rubrics (document_id, position);
