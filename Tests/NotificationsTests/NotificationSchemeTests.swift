import Foundation
import Postgres
import Testing
import TestSupport

@testable import Notifications

@Suite("NotificationScheme")
struct NotificationSchemeTests {
    static func problem(_ json: String) -> String? {
        do {
            _ = try NotificationScheme.schemes(fromJSON: Array(json.utf8))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("bad scheme JSON is refused with the project and the part named")
    func validation() {
        let unknownEvent = #"{"project":"ACME","notifications":[{"event":"moved","recipients":{"reporter":true}}]}"#
        #expect(Self.problem(unknownEvent)?.contains("notifications[0].event") == true)
        let nobody = #"{"project":"ACME","notifications":[{"event":"created","recipients":{}}]}"#
        #expect(Self.problem(nobody)?.contains("names nobody") == true)
        let twice = #"{"project":"ACME","notifications":[{"event":"created","recipients":{"reporter":true}},{"event":"created","recipients":{"assignee":true}}]}"#
        #expect(Self.problem(twice)?.contains("second rule") == true)
        let address = #"{"project":"ACME","notifications":[{"event":"created","recipients":{"addresses":["not an address"]}}]}"#
        #expect(Self.problem(address)?.contains("addresses[0]") == true)
        let key = #"{"project":"acme","notifications":[{"event":"created","recipients":{"reporter":true}}]}"#
        #expect(Self.problem(key)?.contains("not a Jira project key") == true)
        let field = #"{"project":"ACME","notifications":[{"event":"created","recipients":{"emailParticipantFields":["Participants"]}}]}"#
        #expect(Self.problem(field)?.contains("customfield_") == true)
        let missing = #"{"notifications":[]}"#
        #expect(Self.problem(missing)?.contains("\"project\" is missing") == true)
        let good = #"{"schemes":[{"project":"ACME","notifications":[{"event":"commented","recipients":{"watchers":true}}]}]}"#
        #expect(Self.problem(good) == nil)
    }

    @Test("rules match by kind, issue type and changed field; an assignment is also an update")
    func matching() throws {
        let scheme = NotificationScheme(
            project: "ACME",
            notifications: [
                NotificationRule(event: .updated, changedFields: ["priority"], recipients: .init(reporter: true)),
                NotificationRule(event: .assigned, issueTypes: ["Bug"], recipients: .init(assignee: true)),
            ])
        let body = """
            {"webhookEvent":"jira:issue_updated","issue":{"id":"1","key":"ACME-1","fields":{"project":{"key":"ACME"},"issuetype":{"name":"Bug"}}},
             "changelog":{"items":[{"field":"assignee","fieldId":"assignee","toString":"Bob","to":"u-bob"}]}}
            """
        let assigned = try NotificationEvent(webhookJSON: Array(body.utf8))
        #expect(scheme.rules(matching: assigned).map(\.event) == [.assigned])
        let priority = try NotificationEvent(webhookJSON: Array(body.replacingOccurrences(of: "\"assignee\"", with: "\"priority\"").utf8))
        #expect(scheme.rules(matching: priority).map(\.event) == [.updated])
        let task = try NotificationEvent(webhookJSON: Array(body.replacingOccurrences(of: "Bug", with: "Task").utf8))
        #expect(scheme.rules(matching: task).isEmpty)
    }

    @Test("saving a scheme rewrites the project's early-drop rows; deleting removes both")
    func store() async throws {
        try await RendererTestStack.with { stack in
            let tenant = stack.tenant.tenantID
            func events() async throws -> [String] {
                try await stack.pool.query(
                    "SELECT event FROM notification_schemes WHERE tenant_id = \(tenant) AND project_key = 'ACME' ORDER BY event"
                ).map { try $0.decode(0, as: String.self) }
            }
            let scheme = NotificationScheme(
                project: "ACME", from: "help@acme.test",
                notifications: [
                    NotificationRule(event: .assigned, recipients: .init(assignee: true)),
                    NotificationRule(event: .resolved, recipients: .init(reporter: true)),
                    NotificationRule(event: .commented, recipients: .init(watchers: true)),
                ])
            try await stack.schemes.save(scheme, tenant: tenant)
            #expect(try await events() == ["comment_created", "jira:issue_updated"])
            #expect(try await stack.schemes.scheme(tenant: tenant, project: "ACME") == scheme)
            let exported = try SchemeStore.exportJSON(try await stack.schemes.schemes(tenant: tenant))
            #expect(try NotificationScheme.schemes(fromJSON: exported) == [scheme])

            let smaller = NotificationScheme(project: "ACME", notifications: [NotificationRule(event: .created, recipients: .init(reporter: true))])
            try await stack.schemes.save(smaller, tenant: tenant)
            #expect(try await events() == ["jira:issue_created"])
            var invalid = smaller
            invalid.notifications = []
            await #expect(throws: NotificationError.self) { try await stack.schemes.save(invalid, tenant: tenant) }
            #expect(try await stack.schemes.scheme(tenant: tenant, project: "ACME") == smaller)
            #expect(try await stack.schemes.delete(tenant: tenant, project: "ACME"))
            #expect(try await events().isEmpty)
            #expect(try await stack.schemes.scheme(tenant: tenant, project: "ACME") == nil)
        }
    }

    @Test("render audit rows older than the cutoff are purged, newer ones kept")
    func auditPurge() async throws {
        try await RendererTestStack.with { stack in
            let tenant = stack.tenant.tenantID
            try await stack.audit.record(tenant: tenant, eventID: "old", issueKey: "ACME-1", outcome: .noRule)
            try await stack.audit.record(tenant: tenant, eventID: "new", issueKey: "ACME-1", outcome: .noRule)
            _ = try await stack.pool.query(
                "UPDATE notification_renders SET created_at = now() - interval '31 days' WHERE tenant_id = \(tenant) AND event_id = 'old'")
            let purged = try await stack.audit.purge(before: Date().addingTimeInterval(-30 * 86_400))
            #expect(purged >= 1)
            #expect(try await stack.audit.outcome(tenant: tenant, eventID: "old") == nil)
            #expect(try await stack.audit.outcome(tenant: tenant, eventID: "new")?.0 == .noRule)
        }
    }
}

@Suite("NotificationRenderer call back")
struct CallBackDecisionTests {
    static func event(_ body: String) throws -> NotificationEvent { try NotificationEvent(webhookJSON: Array(body.utf8)) }

    @Test("Jira is asked only for what the webhook lacks")
    func needsCallBack() throws {
        let full = """
            {"webhookEvent":"jira:issue_created","issue":{"id":"1","key":"ACME-1","fields":{"summary":"S","project":{"key":"ACME"},
             "reporter":{"accountId":"a","emailAddress":"a@acme.test"},"assignee":{"accountId":"b"},"attachment":[],
             "customfield_10050":"x@acme.test"}}}
            """
        let event = try Self.event(full)
        let reporterAndParticipants = [NotificationRule(event: .created, recipients: .init(reporter: true, emailParticipantFields: ["customfield_10050"]))]
        #expect(!NotificationRenderer.needsCallBack(event, rules: reporterAndParticipants))
        // The assignee's address is not in the webhook; another participants field is missing.
        #expect(NotificationRenderer.needsCallBack(event, rules: [NotificationRule(event: .created, recipients: .init(assignee: true))]))
        #expect(NotificationRenderer.needsCallBack(event, rules: [NotificationRule(event: .created, recipients: .init(emailParticipantFields: ["customfield_10099"]))]))
        // A created issue whose webhook does not list its files.
        let noFiles = try Self.event(full.replacingOccurrences(of: "\"attachment\":[],", with: ""))
        #expect(NotificationRenderer.needsCallBack(noFiles, rules: reporterAndParticipants))
        // An update adding a file the webhook does not describe.
        let added = """
            {"webhookEvent":"jira:issue_updated","issue":{"id":"1","key":"ACME-1","fields":{"summary":"S","project":{"key":"ACME"}}},
             "changelog":{"items":[{"field":"Attachment","fieldId":"attachment","to":"10001","toString":"a.txt"}]}}
            """
        #expect(NotificationRenderer.needsCallBack(try Self.event(added), rules: [NotificationRule(event: .updated, recipients: .init(addresses: ["o@acme.test"]))]))
    }
}
