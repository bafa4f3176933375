import Jira
import Testing

@Suite("Jira site")
struct JiraSiteTests {
    @Test("the base URL is kept without trailing slashes")
    func baseURL() {
        #expect(JiraSite(baseURL: "https://acme.atlassian.net//", authentication: .apiToken(email: "a@b.c", token: "t")).baseURL == "https://acme.atlassian.net")
    }
}
