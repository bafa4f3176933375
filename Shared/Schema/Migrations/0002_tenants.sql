-- Tenants: one row per Jira site that installed the app (Shared/Tenancy, TenantDirectory).
--
-- The Atlassian Connect shared secret is sealed twice (CredentialVault: the tenant's data key,
-- then the credentials key); the row never holds it in clear. `client_key` is Atlassian's opaque
-- id of the installation, `tenant_id` ours (stable across re-installs, used as the Kafka key).
--
-- Retention and purge: a row lives while the app is installed. After `uninstalled` it is kept
-- for the configured grace period (default 30 days: a re-install finds its settings again);
-- then TenantDirectory.purgeUninstalled deletes the row and shreds the tenant's keys, which makes
-- every remaining ciphertext of the tenant unreadable.
CREATE TABLE tenants (
    tenant_id            text        PRIMARY KEY,
    client_key           text        NOT NULL UNIQUE,
    base_url             text        NOT NULL,
    display_url          text,
    product_type         text        NOT NULL,
    sealed_shared_secret bytea       NOT NULL,
    state                text        NOT NULL,
    installed_at         timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    uninstalled_at       timestamptz,
    CHECK (state IN ('installed', 'enabled', 'disabled', 'uninstalled')),
    CHECK ((state = 'uninstalled') = (uninstalled_at IS NOT NULL)),
    CHECK (octet_length(client_key) BETWEEN 1 AND 255),
    CHECK (octet_length(tenant_id) BETWEEN 1 AND 255)
);

-- The purger finds uninstalled tenants past their grace period.
CREATE INDEX tenants_uninstalled ON tenants (uninstalled_at) WHERE uninstalled_at IS NOT NULL;
