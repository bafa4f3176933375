import Foundation
import Jira
import Mail

/// Who a notification goes to, and who it could not reach.
public struct NotificationRecipients: Sendable, Equatable {
    /// Why someone receives the mail (the footer of the mail says so).
    public enum Reason: String, Sendable, Hashable, Comparable {
        case reporter, assignee, watcher, participant, address

        public static func < (lhs: Reason, rhs: Reason) -> Bool { lhs.order < rhs.order }
        private var order: Int {
            switch self {
            case .reporter: 0
            case .assignee: 1
            case .watcher: 2
            case .participant: 3
            case .address: 4
            }
        }
    }

    /// One recipient; addresses are unique, compared without case.
    public struct Recipient: Sendable, Equatable {
        public var address: String
        public var displayName: String?
        public var reasons: Set<Reason>
    }

    /// In the order first found: reporter, assignee, watchers, participants, fixed addresses.
    public var recipients: [Recipient]
    /// Account ids of Jira users the rules named whose email Jira does not show (reported in
    /// the render audit, not silently skipped).
    public var hiddenAccounts: [String]

    public var addresses: [String] { recipients.map(\.address) }
}

/// Resolves the recipients of the rules an event matched, from the event and what Jira said.
public struct RecipientResolver: Sendable {
    public init() {}

    /// - Parameters:
    ///   - issue: the issue as Jira returns it now (`nil` for a deleted issue: the event's copy is used).
    ///   - watchers: the issue's watchers, when a rule asks for them.
    public func resolve(
        rules: [NotificationRule], event: NotificationEvent, issue: JiraIssue?, watchers: [JiraUser]
    ) -> NotificationRecipients {
        var collector = Collector()
        let includeActor = rules.contains { $0.recipients.includeActor }
        let reporter = issue?.fields.reporter.map(Self.person) ?? event.reporter
        let assignee = issue?.fields.assignee.map(Self.person) ?? event.assignee
        if rules.contains(where: \.recipients.reporter), let reporter { collector.add(reporter, .reporter) }
        if rules.contains(where: \.recipients.assignee), let assignee { collector.add(assignee, .assignee) }
        if rules.contains(where: \.recipients.watchers) {
            for watcher in watchers where watcher.active != false { collector.add(Self.person(watcher), .watcher) }
        }
        let fields = Set(rules.flatMap(\.recipients.emailParticipantFields))
        for field in fields.sorted() {
            for address in Self.participants(field: field, event: event, issue: issue) {
                collector.add(address: address.address, displayName: address.displayName, .participant)
            }
        }
        for rule in rules {
            for address in rule.recipients.addresses { collector.add(address: address, displayName: nil, .address) }
        }
        if !includeActor, let actor = event.actor {
            collector.remove(accountID: actor.accountID, address: actor.emailAddress)
        }
        return NotificationRecipients(recipients: collector.recipients, hiddenAccounts: collector.hidden)
    }

    private static func person(_ user: JiraUser) -> NotificationEvent.Person {
        NotificationEvent.Person(accountID: user.accountId, displayName: user.displayName, emailAddress: user.emailAddress)
    }

    /// The addresses in an email-participants field: the event's text, else Jira's (text or ADF).
    static func participants(field: String, event: NotificationEvent, issue: JiraIssue?) -> [MailAddress] {
        var text = event.fieldsJSON[field]
        if text == nil, let value = issue?.fields.other[field] {
            if let string = value.stringValue {
                text = string
            } else if case .object = value, let data = try? JSONEncoder().encode(value),
                let document = try? JSONDecoder().decode(ADFDocument.self, from: data)
            {
                text = document.plainText
            }
        }
        guard let text else { return [] }
        let separators = text.map { $0 == "\n" || $0 == "\r" || $0 == ";" ? "," : $0 }
        return AddressListParser.parse(String(separators)).filter { !$0.localPart.isEmpty && $0.domain.contains(".") }
    }

    private struct Collector {
        var recipients = [NotificationRecipients.Recipient]()
        var hidden = [String]()
        var accounts = [String: String]()  // account id → address

        mutating func add(_ person: NotificationEvent.Person, _ reason: NotificationRecipients.Reason) {
            guard let address = person.emailAddress, !address.isEmpty else {
                if !hidden.contains(person.accountID) { hidden.append(person.accountID) }
                return
            }
            accounts[person.accountID] = address
            add(address: address, displayName: person.displayName, reason)
        }

        mutating func add(address: String, displayName: String?, _ reason: NotificationRecipients.Reason) {
            let normalized = address.lowercased()
            if let index = recipients.firstIndex(where: { $0.address.lowercased() == normalized }) {
                recipients[index].reasons.insert(reason)
                if recipients[index].displayName == nil { recipients[index].displayName = displayName }
            } else {
                recipients.append(.init(address: address, displayName: displayName, reasons: [reason]))
            }
        }

        mutating func remove(accountID: String, address: String?) {
            let addresses = [accounts[accountID], address].compactMap { $0?.lowercased() }
            recipients.removeAll { addresses.contains($0.address.lowercased()) }
            hidden.removeAll { $0 == accountID }
        }
    }
}
