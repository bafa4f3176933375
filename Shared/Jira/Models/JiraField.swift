/// A field of the site (system or custom), as `GET /rest/api/3/field` lists it.
public struct JiraField: Sendable, Hashable, Codable {
    /// `summary`, or `customfield_10010` for a custom field.
    public var id: String
    public var key: String?
    public var name: String
    public var custom: Bool?
    public var schema: Schema?

    /// The field's data type.
    public struct Schema: Sendable, Hashable, Codable {
        public var type: String
        public var items: String?
        /// A custom field's type URI (`com.atlassian.jira.plugin.system.customfieldtypes:textfield`).
        public var custom: String?
        public var customId: Int?
    }
}
