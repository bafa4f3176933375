-- Notification template overrides: a tenant's own Mustache sources for a named template set
-- (Shared/Notifications/Templates, TemplateStore). A notification scheme names a set; the name
-- `default` means the shipped defaults (TemplateSet.defaults) unless the tenant stored a row
-- named `default`. Rows are validated (every part compiles) before they are written.
--
-- Templates are configuration, not personal data: stored in clear.
--
-- Retention and purge: a row lives as long as its tenant; it is deleted with the tenant row
-- (ON DELETE CASCADE) when TenantDirectory.purgeUninstalled purges an uninstalled tenant
-- (tested in TemplateStoreTests), or earlier by `mailbridge template delete`.
CREATE TABLE notification_templates (
    tenant_id  text        NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    name       text        NOT NULL,
    subject    text        NOT NULL,
    text_body  text        NOT NULL,
    html_body  text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name),
    CHECK (name ~ '^[a-z0-9._-]{1,64}$'),
    CHECK (octet_length(subject) <= 262144),
    CHECK (octet_length(text_body) <= 262144),
    CHECK (octet_length(html_body) <= 262144)
);
