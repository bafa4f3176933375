import Notifications
import Testing

@Suite("NotificationEvent")
struct NotificationEventTests {
    @Test("an assignment with a resolution is updated, assigned and resolved")
    func updateKinds() throws {
        let body = """
            {"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_generic","timestamp":1764400000000,
             "user":{"accountId":"u-ada","displayName":"Ada"},
             "issue":{"id":"10001","key":"ACME-7","fields":{"summary":"Printer","project":{"key":"ACME","name":"Acme"},
               "issuetype":{"name":"Bug"},"customfield_10050":"x@example.test"}},
             "changelog":{"id":"5","items":[
               {"field":"assignee","fieldId":"assignee","fromString":null,"toString":"Bob","to":"u-bob"},
               {"field":"resolution","fieldId":"resolution","fromString":null,"toString":"Done","to":"10000"}]}}
            """
        let event = try NotificationEvent(webhookJSON: Array(body.utf8))
        #expect(event.kinds == [.updated, .assigned, .resolved])
        #expect(event.issueKey == "ACME-7" && event.projectKey == "ACME" && event.issueType == "Bug")
        #expect(event.actor?.accountID == "u-ada")
        #expect(event.fieldsJSON["customfield_10050"] == "x@example.test")
        #expect(event.changedFields.contains("assignee"))
    }

    @Test("a body without the project key is refused with its path named")
    func missingProject() {
        let body = #"{"webhookEvent":"jira:issue_created","issue":{"id":"1","key":"A-1","fields":{}}}"#
        #expect(throws: NotificationError.self) { try NotificationEvent(webhookJSON: Array(body.utf8)) }
        do {
            _ = try NotificationEvent(webhookJSON: Array(body.utf8))
        } catch {
            #expect("\(error)".contains("issue.fields.project.key"))
        }
    }
}
