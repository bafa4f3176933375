-- Notification schemes as configured (Shared/Notifications, SchemeStore; `mailbridge scheme`):
-- one JSON document per (tenant, project) saying which events notify whom with which template
-- set. Importing a scheme also rewrites that project's rows in notification_schemes (the
-- webhook service's early-drop list), in the same transaction, so the two never disagree.
--
-- The renderer's audit (notification_renders): one row per rendered or dropped event, with the
-- recipients counted (not listed) and the account ids Jira would not give an address for.
--
-- Retention and purge: scheme documents live as long as the tenant and go with it (ON DELETE
-- CASCADE from TenantDirectory.purgeUninstalled). Render audit rows are kept 30 days, like the
-- sent mail they describe: RenderAudit.purge deletes older rows (tested).
CREATE TABLE notification_scheme_documents (
    tenant_id   text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    project_key text        NOT NULL,
    document    jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, project_key),
    CHECK (octet_length(project_key) BETWEEN 1 AND 255)
);

CREATE TABLE notification_renders (
    tenant_id        text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    event_id         text        NOT NULL,
    issue_key        text,
    outcome          text        NOT NULL CHECK (outcome IN ('rendered', 'no-scheme', 'no-rule', 'no-recipient')),
    recipient_count  integer     NOT NULL DEFAULT 0,
    hidden_accounts  text        NOT NULL DEFAULT '',
    object_key       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX notification_renders_created_at ON notification_renders (created_at);
