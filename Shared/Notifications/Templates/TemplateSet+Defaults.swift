extension TemplateSet {
    /// The shipped set: a subject naming project, issue key and summary; a plain-text part; and an
    /// HTML twin with the same information (`DefaultHTMLTemplate`). Both vary by event kind
    /// through `{{#isCreated}}`-style sections.
    public static let defaults = TemplateSet(subject: defaultSubject, text: defaultText, html: DefaultHTMLTemplate.source)

    static let defaultSubject = "[{{project.key}}] {{issue.key}}{{#issue.summary}}: {{issue.summary}}{{/issue.summary}}{{#isDeleted}} (deleted){{/isDeleted}}"

    static let defaultText = """
        {{event.headline}}

        {{issue.key}}{{#issue.summary}}: {{issue.summary}}{{/issue.summary}}
        {{#issue.type}}
        Type: {{issue.type}}
        {{/issue.type}}
        {{#issue.status}}
        Status: {{issue.status}}
        {{/issue.status}}
        Project: {{#project.name}}{{project.name}} ({{project.key}}){{/project.name}}{{^project.name}}{{project.key}}{{/project.name}}
        {{#hasChanges}}

        What changed:
        {{#changes}}
        - {{field}}: {{#from}}{{from}}{{/from}}{{^from}}(none){{/from}} -> {{#to}}{{to}}{{/to}}{{^to}}(none){{/to}}
        {{/changes}}
        {{/hasChanges}}
        {{#comment}}

        {{#author}}{{author}} wrote:{{/author}}{{^author}}Comment:{{/author}}

        {{text}}
        {{/comment}}
        {{#isCreated}}
        {{#issue.description}}

        Description:

        {{issue.description}}
        {{/issue.description}}
        {{/isCreated}}
        {{#hasAttachments}}

        Attachments:
        {{#attachments}}
        - {{filename}}{{#size}} ({{size}}){{/size}}{{#attached}}, attached to this mail{{/attached}}{{^attached}}{{#link}}, too large to attach: {{link}}{{/link}}{{/attached}}
        {{/attachments}}
        {{/hasAttachments}}

        {{#isDeleted}}
        This issue was deleted and can no longer be opened.
        {{/isDeleted}}
        {{^isDeleted}}
        {{#issue.url}}
        Open {{issue.key}}: {{issue.url}}
        {{/issue.url}}
        {{/isDeleted}}

        --
        {{#footer}}
        {{footer}}
        {{/footer}}
        {{site.name}}

        """
}
