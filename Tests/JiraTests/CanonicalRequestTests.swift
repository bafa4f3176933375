import Foundation
import Jira
import Testing

@Suite("Connect canonical request and qsh")
struct CanonicalRequestTests {
    @Test("vectors from an independent implementation of Atlassian's rule", arguments: JWTVectors.qshCases.indices)
    func independentVectors(index: Int) {
        let vector = JWTVectors.qshCases[index]
        let request = CanonicalRequest(method: vector.method, path: vector.path, query: vector.query)
        #expect(request.canonicalString == vector.canonical)
        #expect(request.queryStringHash == vector.qsh)
    }

    @Test("Atlassian's documented canonical requests")
    func documentedExamples() {
        // "Query string hash": GET / ?param=foo, and POST /user without a query.
        #expect(CanonicalRequest(method: "get", path: "/", query: [.init("param", "foo")]).canonicalString == "GET&/&param=foo")
        #expect(CanonicalRequest(method: "Post", path: "/user").canonicalString == "POST&/user&")
        // atlassian-jwt's documented example: repeated parameters, a space, sorting.
        let target = "/path/to/service?zee_last=param&repeated=parameter%201&first=param&repeated=parameter%202"
        let request = CanonicalRequest(method: "GET", target: target)
        #expect(request.canonicalString == "GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last=param")
        // The Haskell atlassian-connect-core library's doctest: names sort by code point (A, B, a, b).
        let codePoints = CanonicalRequest(method: "GET", target: "/path/to/service?a=1&A=2&b=3&B=4")
        #expect(codePoints.canonicalString == "GET&/path/to/service&A=2&B=4&a=1&b=3")
        #expect(codePoints.queryStringHash == "70282c7cf82834bd5a3d6dacda1b4ccd5cf5860a63a1fa2fb86b64d576e6a1d5")
    }

    @Test("a token Jira issued: its qsh hashes the add-on request it came with, jwt parameter left out")
    func realJiraToken() throws {
        // Jira 6.x/Connect, recorded in a public gist (moskrc/8453971): the request and the token's claims.
        let token = """
        eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjEzODk4NzQ1NjYsInN1YiI6ImFkbWluIiwiaXNzIjoiamlyYTo3YTNiNGM3Ny1jZmMzLTQwNzEt\
        YWFlNS1hODg3ZDE5N2RjOWQiLCJxc2giOiIzYTZmZjFiNjZmNjBlYjI3NWQwZTRjYjZiZTQyNjFkNWQzYjAyMTZiOTFjNThkYzY1MjQ1MDkyMjdlZjM0NmRl\
        IiwiaWF0IjoxMzg5ODc0Mzg2fQ.WFg8X0Ngxc4bmto0PbJ5JKhbn8fAbJMvmRo35V3cL6o
        """
        let target = "/addon/?lic=none&tz=Europe%2FMoscow&cp=%2Fjira&user_key=admin&loc=en-US&user_id=admin&jwt=\(token)"
            + "&xdm_e=http%3A%2F%2Flocalhost%3A2990&xdm_c=channel-servlet-click-me&xdm_p=1"
        let request = CanonicalRequest(method: "GET", target: target)
        let expected = "GET&/addon&cp=%2Fjira&lic=none&loc=en-US&tz=Europe%2FMoscow&user_id=admin&user_key=admin"
            + "&xdm_c=channel-servlet-click-me&xdm_e=http%3A%2F%2Flocalhost%3A2990&xdm_p=1"
        #expect(request.canonicalString == expected)
        let parsed = try JSONWebToken(parsing: token)
        #expect(parsed.claims.qsh == request.queryStringHash)
        #expect(parsed.claims.iss == "jira:7a3b4c77-cfc3-4071-aae5-a887d197dc9d")
        #expect(JSONWebToken.token(authorization: nil, target: target) == token)
    }

    @Test("an incoming target: + is a space, %2B is a plus, the base path is cut, fragments ignored")
    func incomingTargets() {
        let request = CanonicalRequest(method: "POST", target: "/jira/webhooks/issue?a=b+c&x=%2B&flag&=v#frag", basePath: "/jira/")
        #expect(request.path == "/webhooks/issue")
        #expect(request.query == [.init("a", "b c"), .init("x", "+"), .init("flag", ""), .init("", "v")])
        #expect(request.canonicalString == "POST&/webhooks/issue&=v&a=b%20c&flag=&x=%2B")
        // A base path only cuts at a segment boundary.
        #expect(CanonicalRequest(method: "GET", target: "/jiraX/y", basePath: "/jira").path == "/jiraX/y")
        #expect(CanonicalRequest(method: "GET", target: "/jira", basePath: "/jira").canonicalString == "GET&/&")
        // Malformed escapes are kept literally.
        #expect(CanonicalRequest(method: "GET", target: "/p?v=100%&w=%zz").canonicalString == "GET&/p&v=100%25&w=%25zz")
    }

    @Test("the token of a request: Authorization header first, then the jwt parameter")
    func tokenLocation() {
        #expect(JSONWebToken.token(authorization: "JWT abc.def.ghi", target: "/x?jwt=zzz") == "abc.def.ghi")
        #expect(JSONWebToken.token(authorization: "jwt  abc ", target: "/x") == "abc")
        #expect(JSONWebToken.token(authorization: "Bearer abc", target: "/x?jwt=a.b.c") == "a.b.c")
        #expect(JSONWebToken.token(authorization: nil, target: "/x?y=1") == nil)
        #expect(JSONWebToken.token(authorization: "\t JWT \tabc.def.ghi \t", target: "/x") == "abc.def.ghi")
        #expect(JSONWebToken.token(authorization: "Jwt abc", target: "/x") == "abc")
        #expect(JSONWebToken.token(authorization: "JWT", target: "/x?jwt=x.y.z") == "x.y.z")
        #expect(JSONWebToken.token(authorization: "JWTabc", target: "/x") == nil)
        #expect(JSONWebToken.token(authorization: "", target: "/x") == nil)
    }
}
