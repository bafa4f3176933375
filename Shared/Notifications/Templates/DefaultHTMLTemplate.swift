/// The shipped HTML part: a 600-pixel table layout with inline CSS only (no external images,
/// fonts or scripts), which Outlook, Gmail and Apple Mail show alike; the headline doubles as the
/// hidden preheader mail clients show in their message lists.
enum DefaultHTMLTemplate {
    static let source = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="x-apple-disable-message-reformatting">
        <title>{{issue.key}}{{#issue.summary}}: {{issue.summary}}{{/issue.summary}}</title>
        </head>
        <body style="margin:0;padding:0;background-color:#f4f5f7;">
        <div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">{{event.headline}}</div>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f5f7;">
        <tr>
        <td align="center" style="padding:24px 12px;">
        <!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border:1px solid #dfe1e6;border-radius:6px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:14px;line-height:20px;color:#172b4d;">
        <tr>
        <td style="padding:14px 24px;border-bottom:1px solid #dfe1e6;font-size:12px;line-height:16px;color:#5e6c84;">
        {{#project.name}}{{project.name}} ({{project.key}}){{/project.name}}{{^project.name}}{{project.key}}{{/project.name}} &middot; {{site.name}}
        </td>
        </tr>
        <tr>
        <td style="padding:20px 24px 4px 24px;">
        <p style="margin:0 0 8px 0;font-size:13px;line-height:18px;color:#5e6c84;">{{event.headline}}</p>
        <h1 style="margin:0;font-size:20px;line-height:28px;font-weight:600;color:#172b4d;">{{#issue.url}}{{^isDeleted}}<a href="{{issue.url}}" style="color:#0052cc;text-decoration:none;">{{issue.key}}</a>{{/isDeleted}}{{#isDeleted}}{{issue.key}}{{/isDeleted}}{{/issue.url}}{{^issue.url}}{{issue.key}}{{/issue.url}}{{#issue.summary}} {{issue.summary}}{{/issue.summary}}</h1>
        <p style="margin:8px 0 0 0;font-size:12px;line-height:16px;color:#5e6c84;">{{#issue.type}}{{issue.type}}{{/issue.type}}{{#issue.status}} &middot; <span style="display:inline-block;padding:0 6px;border-radius:3px;background-color:#dfe1e6;color:#42526e;font-weight:600;text-transform:uppercase;font-size:11px;">{{issue.status}}</span>{{/issue.status}}</p>
        </td>
        </tr>
        {{#isDeleted}}
        <tr>
        <td style="padding:16px 24px 0 24px;">
        <p style="margin:0;padding:10px 12px;background-color:#ffebe6;border-radius:3px;color:#bf2600;">This issue was deleted and can no longer be opened.</p>
        </td>
        </tr>
        {{/isDeleted}}
        {{#hasChanges}}
        <tr>
        <td style="padding:16px 24px 0 24px;">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;font-size:13px;line-height:18px;">
        <tr>
        <th align="left" style="padding:6px 8px;border-bottom:2px solid #dfe1e6;color:#5e6c84;font-weight:600;">Field</th>
        <th align="left" style="padding:6px 8px;border-bottom:2px solid #dfe1e6;color:#5e6c84;font-weight:600;">Before</th>
        <th align="left" style="padding:6px 8px;border-bottom:2px solid #dfe1e6;color:#5e6c84;font-weight:600;">After</th>
        </tr>
        {{#changes}}
        <tr>
        <td valign="top" style="padding:6px 8px;border-bottom:1px solid #ebecf0;font-weight:600;">{{field}}</td>
        <td valign="top" style="padding:6px 8px;border-bottom:1px solid #ebecf0;color:#5e6c84;">{{#from}}<span style="text-decoration:line-through;">{{from}}</span>{{/from}}{{^from}}<span style="color:#97a0af;">none</span>{{/from}}</td>
        <td valign="top" style="padding:6px 8px;border-bottom:1px solid #ebecf0;">{{#to}}{{to}}{{/to}}{{^to}}<span style="color:#97a0af;">none</span>{{/to}}</td>
        </tr>
        {{/changes}}
        </table>
        </td>
        </tr>
        {{/hasChanges}}
        {{#comment}}
        <tr>
        <td style="padding:16px 24px 0 24px;">
        <p style="margin:0 0 6px 0;font-size:13px;color:#5e6c84;">{{#author}}<strong style="color:#172b4d;">{{author}}</strong> wrote:{{/author}}{{^author}}Comment:{{/author}}</p>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
        <tr>
        <td style="padding:10px 14px;border-left:4px solid #4c9aff;background-color:#f4f5f7;color:#172b4d;">{{text}}</td>
        </tr>
        </table>
        </td>
        </tr>
        {{/comment}}
        {{#isCreated}}
        {{#issue.description}}
        <tr>
        <td style="padding:16px 24px 0 24px;">
        <p style="margin:0 0 6px 0;font-size:13px;font-weight:600;color:#5e6c84;">Description</p>
        <p style="margin:0;color:#172b4d;">{{issue.description}}</p>
        </td>
        </tr>
        {{/issue.description}}
        {{/isCreated}}
        {{#hasAttachments}}
        <tr>
        <td style="padding:16px 24px 0 24px;">
        <p style="margin:0 0 6px 0;font-size:13px;font-weight:600;color:#5e6c84;">Attachments</p>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="font-size:13px;line-height:18px;">
        {{#attachments}}
        <tr>
        <td style="padding:4px 0;">&#128206; {{#link}}<a href="{{link}}" style="color:#0052cc;">{{filename}}</a>{{/link}}{{^link}}{{filename}}{{/link}}{{#size}} <span style="color:#5e6c84;">({{size}})</span>{{/size}}{{#attached}} <span style="color:#5e6c84;">&middot; attached</span>{{/attached}}{{^attached}} <span style="color:#5e6c84;">&middot; too large to attach, use the link</span>{{/attached}}</td>
        </tr>
        {{/attachments}}
        </table>
        </td>
        </tr>
        {{/hasAttachments}}
        {{^isDeleted}}
        {{#issue.url}}
        <tr>
        <td style="padding:24px 24px 4px 24px;">
        <table role="presentation" cellpadding="0" cellspacing="0" border="0">
        <tr>
        <td style="border-radius:3px;background-color:#0052cc;">
        <a href="{{issue.url}}" style="display:inline-block;padding:10px 18px;font-size:14px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:3px;">Open {{issue.key}}</a>
        </td>
        </tr>
        </table>
        </td>
        </tr>
        {{/issue.url}}
        {{/isDeleted}}
        <tr>
        <td style="padding:20px 24px;border-top:1px solid #ebecf0;font-size:12px;line-height:16px;color:#7a869a;">
        {{#footer}}{{footer}}<br>{{/footer}}
        {{site.name}}
        </td>
        </tr>
        </table>
        <!--[if mso]></td></tr></table><![endif]-->
        </td>
        </tr>
        </table>
        </body>
        </html>

        """
}
