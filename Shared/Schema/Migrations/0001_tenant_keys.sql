-- Per-tenant data keys (Shared/Encryption, TenantKeyStore).
--
-- Each row holds one tenant data key, wrapped (AES-256-GCM sealed box) with a key-encryption key
-- from configuration; the row never holds a key in clear. `kek_id` repeats the KEK id named inside
-- `wrapped_key` so operators can see which KEK versions are still in use before retiring one
-- (SELECT kek_id, count(*) FROM tenant_keys GROUP BY kek_id).
--
-- Retention and purge: rows live as long as the tenant. Erasure is crypto-shredding:
-- TenantKeyStore.shred deletes every row of the tenant, which makes every ciphertext of that
-- tenant (database columns, objects, topic payloads, backups) unreadable. Retired keys
-- (retired_at set) stay so older ciphertext still opens.
CREATE TABLE tenant_keys (
    tenant_id   text        NOT NULL,
    key_id      text        NOT NULL,
    kek_id      text        NOT NULL,
    wrapped_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,
    PRIMARY KEY (tenant_id, key_id),
    CHECK (octet_length(key_id) BETWEEN 1 AND 255),
    CHECK (octet_length(kek_id) BETWEEN 1 AND 255),
    CHECK (retired_at IS NULL OR retired_at >= created_at)
);

-- At most one active (unretired) key per tenant; concurrent first use relies on it
-- (INSERT … ON CONFLICT (tenant_id) WHERE retired_at IS NULL DO NOTHING).
CREATE UNIQUE INDEX tenant_keys_one_active ON tenant_keys (tenant_id) WHERE retired_at IS NULL;

-- KEK rotation re-wraps rows KEK by KEK.
CREATE INDEX tenant_keys_kek ON tenant_keys (kek_id);
