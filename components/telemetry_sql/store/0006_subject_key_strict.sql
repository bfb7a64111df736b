-- One key per person, or a refusal at insert (red team 2, finding 4). subject_key() of 0001 removed only a few
-- invisible characters, so bidi marks, variation selectors, tag characters, Hangul fillers and runs of spaces
-- gave one person as many keys as spellings, each with its own per-subject bound, and a rare group of one real
-- person could pass the threshold.
--
-- Now: NFKC, lower() (ICU), then every Unicode Default_Ignorable_Code_Point is removed (the whole derived
-- property, reserved code points included, so a character assigned there later is removed too), every run of
-- whitespace becomes one space, and the ends are trimmed. What is left must be printable characters (ICU's
-- graph: letters, marks, digits, punctuation, symbols of every script) separated by single spaces, with no
-- private-use character (rendered as whatever a font draws, invisible included); anything else (control and
-- format characters, unassigned code points, surrogates, line separators) is refused at insert with a
-- CHECK violation, so no spelling the normalisation does not know becomes a key of its own.
--
-- The column is generated from this function, so only rows written from here on get the new key; the CHECK is
-- NOT VALID for the same reason (rows already stored are not re-checked, new and updated ones are). Within a
-- deployment, 0001 re-creates the old body and this file replaces it in the next transaction: a row written in
-- between gets the old key, or is refused by the CHECK if its id holds what only the new body removes.

CREATE OR REPLACE FUNCTION telemetry.subject_key(subject_id text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.btrim(
    pg_catalog.regexp_replace(
        pg_catalog.regexp_replace(
            pg_catalog.lower(pg_catalog.normalize(subject_id, 'NFKC') COLLATE "und-x-icu"),
            -- Default_Ignorable_Code_Point, Unicode 15 DerivedCoreProperties.txt, every range.
            '[\u00ad\u034f\u061c\u115f-\u1160\u17b4-\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f'
            '\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
            '\U000e0000-\U000e0fff]',
            '', 'g'),
        '[[:space:]]+', ' ', 'g'),
    ' ');

-- The characters a key may hold; ICU's classes, so the same on every server whatever its libc locale.
CREATE OR REPLACE FUNCTION telemetry.subject_key_is_strict(subject_key text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (subject_key COLLATE "und-x-icu") ~ '^[[:graph:]]+( [[:graph:]]+)*$'
       AND subject_key !~ '[\ue000-\uf8ff\U000f0000-\U0010ffff]';

DO $migration$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = 'telemetry.raw_events'::regclass AND conname = 'raw_events_subject_key_strict') THEN
        ALTER TABLE telemetry.raw_events ADD CONSTRAINT raw_events_subject_key_strict
            CHECK (telemetry.subject_key_is_strict(subject_key)) NOT VALID;
    END IF;
END
$migration$;
