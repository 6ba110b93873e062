-- Every dictionary of hits again as columnar chunks, so a project's strings load as a few
-- dozen blobs rather than a row each; the tables of rows stay for SQL. Per dictionary (the
-- table's name), chunks of up to 32,768 entries in id order (seq from 0): `ids` a blob of
-- integers, `strings` a blob of strings, one per entry or, for `campaign`, its seven tags in
-- the table's column order (src/store/dictionary.rs; src/store/chunk.rs says how blobs are
-- encoded). Migration 11's step writes them from the rows.
CREATE TABLE dictionary_chunk (
    dictionary TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    rows       INTEGER NOT NULL,
    ids        BLOB NOT NULL,
    strings    BLOB NOT NULL,
    PRIMARY KEY (dictionary, seq)
);
