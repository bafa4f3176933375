extension NotificationScheme {
    /// The rules `event` triggers: its kind is one of the event's kinds, its issue types (if any)
    /// include the issue's, and for `updated` its changed fields (if any) meet the event's.
    public func rules(matching event: NotificationEvent) -> [NotificationRule] {
        let kinds = event.kinds
        let changed = event.changedFields
        return notifications.filter { rule in
            guard kinds.contains(rule.event) else { return false }
            if !rule.issueTypes.isEmpty {
                guard let type = event.issueType, rule.issueTypes.contains(type) else { return false }
            }
            if rule.event == .updated, !rule.changedFields.isEmpty {
                guard !changed.isDisjoint(with: rule.changedFields) else { return false }
            }
            return true
        }
    }
}
