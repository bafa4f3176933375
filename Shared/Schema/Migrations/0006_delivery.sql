-- Delivery: the sender's per-tenant SMTP settings, sandbox, idempotency ledger and outbound
-- audit (Shared/Delivery, mailbridge-sender). No address or subject is stored in clear:
-- addresses are blind-indexed (BlindIndex) and, where they must be read back, sealed with the
-- tenant's key (TenantCipher); the SMTP secret is sealed twice (CredentialVault).
--
-- Retention and purge:
-- - smtp_connections, tenant_sandbox, sandbox_allowlist: as long as the tenant; deleted with the
--   tenant row (ON DELETE CASCADE) when TenantDirectory.purgeUninstalled purges it.
-- - outbound_deliveries, outbound_history (and the sent/ objects): 30 days, deleted by
--   DeliveryRetention.purge(olderThan:) (tested).

-- How a tenant's mail leaves: one SMTP server per tenant.
CREATE TABLE smtp_connections (
    tenant_id        text        PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    host             text        NOT NULL,
    port             integer     NOT NULL,
    security         text        NOT NULL,
    auth_kind        text        NOT NULL,
    username         text,
    -- CredentialVault (connection id "smtp"): the password, or the OAuth client JSON
    -- (client id, client secret, refresh token, token URL).
    sealed_secret    bytea,
    envelope_from    text        NOT NULL,
    max_connections  integer,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (port BETWEEN 1 AND 65535),
    CHECK (security IN ('implicit-tls', 'starttls', 'none')),
    CHECK (auth_kind IN ('none', 'password', 'xoauth2')),
    CHECK ((auth_kind = 'none') = (sealed_secret IS NULL)),
    CHECK (max_connections IS NULL OR max_connections > 0),
    CHECK (octet_length(host) BETWEEN 1 AND 255)
);

-- Sandbox mode: when enabled, only allowlisted recipients receive the tenant's mail.
CREATE TABLE tenant_sandbox (
    tenant_id  text        PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    enabled    boolean     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sandbox_allowlist (
    tenant_id      text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    address_index  text        NOT NULL,
    -- TenantCipher, purpose "sandbox-address": for listing by an operator.
    sealed_address bytea       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, address_index)
);

-- The idempotency ledger: one row per (tenant, request, recipient). A row in `sending` found on
-- a replay is never sent again (it becomes `uncertain`; see docs/sender.md).
CREATE TABLE outbound_deliveries (
    tenant_id        text        NOT NULL,
    request_id       text        NOT NULL,
    recipient_index  text        NOT NULL,
    status           text        NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    reply_code       integer,
    reply_text       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, request_id, recipient_index),
    CHECK (status IN ('sending', 'sent', 'suppressed', 'failed', 'uncertain'))
);

CREATE INDEX outbound_deliveries_updated ON outbound_deliveries (updated_at);

-- The outbound audit: one row per recipient outcome. Recipients and subject are sealed.
CREATE TABLE outbound_history (
    id               bigserial   PRIMARY KEY,
    tenant_id        text        NOT NULL,
    request_id       text        NOT NULL,
    issue_key        text,
    -- TenantCipher, purpose "outbound-history": JSON array of addresses, and the subject.
    sealed_recipients bytea      NOT NULL,
    sealed_subject   bytea       NOT NULL,
    status           text        NOT NULL,
    reply_code       integer,
    reply_text       text,
    object_key       text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (status IN ('sent', 'suppressed', 'failed', 'uncertain', 'parked'))
);

CREATE INDEX outbound_history_created ON outbound_history (created_at);
CREATE INDEX outbound_history_request ON outbound_history (tenant_id, request_id);
