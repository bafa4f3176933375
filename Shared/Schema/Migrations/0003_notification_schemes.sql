-- Notification schemes: which (tenant, project, Jira event) combinations send mail
-- (Shared/WebhookReceipt, NotificationSchemeCache). The webhook receipt service drops every
-- webhook for which no enabled row exists before anything of it is stored ("if not, we drop
-- the data"). This minimal form names the combination only; recipients and templates come later.
--
-- Retention and purge: a row lives as long as its tenant; it is deleted with the tenant row
-- (ON DELETE CASCADE) when TenantDirectory.purgeUninstalled purges an uninstalled tenant.
CREATE TABLE notification_schemes (
    tenant_id   text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    project_key text        NOT NULL,
    event       text        NOT NULL,
    enabled     boolean     NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, project_key, event),
    CHECK (octet_length(project_key) BETWEEN 1 AND 255),
    CHECK (octet_length(event) BETWEEN 1 AND 255)
);
