-- Plan capacity (Shared/Delivery/Capacity, docs/capacity.md): each tenant's monthly allowance of
-- messages and bytes, what it used, the usage alerts already sent, the mail parked because the
-- allowance ran out, and the addresses usage alerts go to.
--
-- Every table references the tenant with ON DELETE CASCADE: when TenantDirectory.purgeUninstalled
-- purges an uninstalled tenant, its plan, usage, alert records, contacts and parked mail (even
-- unreleased) go with it, and the shredded key makes any copy elsewhere unreadable.
--
-- Retention and purge (CapacityRetention.purge, tested):
--   tenant_plans                    as long as the tenant (cascade).
--   usage                           13 months: months older than the 13 before the current one are deleted.
--   usage_alerts_sent               with their month: deleted with the usage month (same cutoff).
--   parked_mail                     never dropped while unreleased; 30 days after released_at.
--   billing_contacts                1 year after it was last added (DESIGN §6); re-adding renews it.
--   system_notification_addresses   as long as the tenant (cascade), or until removed.
CREATE TABLE tenant_plans (
    tenant_id          text        PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- NULL is unlimited.
    messages_per_month bigint      CHECK (messages_per_month >= 0),
    bytes_per_month    bigint      CHECK (bytes_per_month >= 0),
    -- Percentages of either limit at which the tenant's contacts are told (100 is always added).
    alert_thresholds   integer[]   NOT NULL DEFAULT '{80}',
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (array_position(alert_thresholds, NULL) IS NULL),
    CHECK (1 <= ALL (alert_thresholds) AND 100 >= ALL (alert_thresholds))
);

-- One row per tenant and calendar month (UTC), counted by PlanCapacity.reserve in one statement.
CREATE TABLE usage (
    tenant_id  text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    month      text        NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    messages   bigint      NOT NULL DEFAULT 0 CHECK (messages >= 0),
    bytes      bigint      NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, month)
);

-- A usage alert is sent once per (tenant, month, metric, threshold): the reserver whose insert
-- wins sends it. published_at stays NULL until the alert reached mail.outbound (retried until then).
CREATE TABLE usage_alerts_sent (
    tenant_id    text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    month        text        NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    metric       text        NOT NULL CHECK (metric IN ('messages', 'bytes')),
    threshold    integer     NOT NULL CHECK (threshold BETWEEN 1 AND 100),
    used         bigint      NOT NULL,
    allowed      bigint      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    PRIMARY KEY (tenant_id, month, metric, threshold)
);

CREATE INDEX usage_alerts_unpublished ON usage_alerts_sent (created_at) WHERE published_at IS NULL;

-- Mail the sender could not send for lack of capacity. sealed_request is the OutboundMailRequest
-- (JSON) restricted to the recipients not yet served, sealed with TenantCipher (purpose
-- parked_mail.request). messages and bytes are what releasing it will need; recipients_token is
-- a BlindIndex token over the sorted recipients, so parking the same request for the same
-- recipients twice (a redelivered record) keeps one row.
CREATE TABLE parked_mail (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    request_id       text        NOT NULL,
    recipients_token text        NOT NULL,
    sealed_request   bytea       NOT NULL,
    messages         bigint      NOT NULL CHECK (messages >= 0),
    bytes            bigint      NOT NULL CHECK (bytes >= 0),
    reason           text        NOT NULL,
    parked_at        timestamptz NOT NULL DEFAULT now(),
    released_at      timestamptz
);

CREATE UNIQUE INDEX parked_mail_unreleased_once ON parked_mail (tenant_id, request_id, recipients_token) WHERE released_at IS NULL;
CREATE INDEX parked_mail_waiting ON parked_mail (tenant_id, id) WHERE released_at IS NULL;
CREATE INDEX parked_mail_released ON parked_mail (released_at) WHERE released_at IS NOT NULL;

-- Where usage alerts go. The address is sealed with TenantCipher (purpose <table>.address);
-- address_index is its BlindIndex token, so an address is stored once per tenant.
CREATE TABLE billing_contacts (
    tenant_id      text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    address_index  text        NOT NULL,
    sealed_address bytea       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, address_index)
);

CREATE INDEX billing_contacts_created ON billing_contacts (created_at);

CREATE TABLE system_notification_addresses (
    tenant_id      text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    address_index  text        NOT NULL,
    sealed_address bytea       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, address_index)
);
