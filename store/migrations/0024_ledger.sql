-- Issue 23 (seed 六): the fund ledger. The role treasurer (资金管理员)
-- enters it; every entry is only ever added: a correction is a further
-- entry reversing the one it names (corrects, at most once). Each row
-- carries the SHA-256 of its canonical form (package ledger, Entry.Canonical)
-- and the previous row's hash, so `alleybot ledger verify` finds a row
-- changed, deleted or inserted out of order even by someone who could
-- switch these triggers off.
INSERT INTO roles (code, name, name_en, sort) VALUES
    ('treasurer', '资金管理员', 'Treasurer (the fund ledger)', 8)
ON CONFLICT (code) DO NOTHING;

CREATE TABLE ledger_entries (
    seq             bigint PRIMARY KEY CHECK (seq >= 1), -- 1, 2, 3 … assigned under a lock
    entry_date      date NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('income', 'spending')),
    category        text NOT NULL CHECK (
        (kind = 'income' AND category IN ('government', 'donation', 'community', 'other')) OR
        (kind = 'spending' AND category IN ('training', 'allowance', 'equipment', 'environment', 'maintenance', 'other'))),
    amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
    community_id    bigint REFERENCES communities(id), -- NULL: the whole district
    community_code  text NOT NULL DEFAULT '',          -- as hashed
    counterparty    text NOT NULL,
    purpose         text NOT NULL,
    corrects        bigint UNIQUE REFERENCES ledger_entries(seq),
    entered_by      bigint NOT NULL REFERENCES people(id),
    entered_by_code text NOT NULL,                     -- as hashed
    photo_ids       bigint[] NOT NULL DEFAULT '{}',    -- the voucher photos (photos.id)
    photo_hashes    text[] NOT NULL DEFAULT '{}',      -- as hashed: their SHA-256, or ref:platform:file
    prev_hash       text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash            text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_date ON ledger_entries (entry_date, seq);

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entries is append-only: a correction is a reversing entry';
END $$;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only();

-- A new row continues the chain: the next seq, the last row's hash.
CREATE FUNCTION ledger_entries_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last ledger_entries%ROWTYPE;
BEGIN
    SELECT * INTO last FROM ledger_entries ORDER BY seq DESC LIMIT 1;
    IF NEW.seq <> coalesce(last.seq, 0) + 1
       OR NEW.prev_hash <> coalesce(last.hash, repeat('0', 64)) THEN
        RAISE EXCEPTION 'ledger_entries: entry % does not continue the chain (last seq %)', NEW.seq, coalesce(last.seq, 0);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_entries_chain BEFORE INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_chain();

-- A voucher photo belongs to its entry: the cleanup of abandoned drafts'
-- photos leaves it alone.
ALTER TABLE photos ADD COLUMN ledger_seq bigint;
