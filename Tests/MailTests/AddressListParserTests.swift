import Mail
import Testing

@Suite("Address lists")
struct AddressListParserTests {
    @Test("plain, named, quoted with a comma, encoded, and commented addresses")
    func shapes() {
        let header = "ada@example.com, Bob Smith <bob@example.com>, \"Doe, Jane\" <jane@example.com>, =?utf-8?q?J=C3=BCrgen_M?= <j@example.de>, carol@example.com (Carol C)"
        let parsed = AddressListParser.parse(header)
        #expect(parsed == [
            MailAddress(address: "ada@example.com"),
            MailAddress(displayName: "Bob Smith", address: "bob@example.com"),
            MailAddress(displayName: "Doe, Jane", address: "jane@example.com"),
            MailAddress(displayName: "Jürgen M", address: "j@example.de"),
            MailAddress(displayName: "Carol C", address: "carol@example.com"),
        ])
    }

    @Test("groups: members are kept, empty groups vanish")
    func groups() {
        #expect(AddressListParser.parse("undisclosed-recipients:;") == [])
        #expect(AddressListParser.parse("Team: a@example.com, B <b@example.com>;, c@example.com") == [
            MailAddress(address: "a@example.com"),
            MailAddress(displayName: "B", address: "b@example.com"),
            MailAddress(address: "c@example.com"),
        ])
    }

    @Test("escaped quotes, an obsolete route, a missing closing bracket, a name without brackets")
    func oddities() {
        let escaped = AddressListParser.parse("\"Ada \\\"the first\\\" L\" <ada@example.com>")
        #expect(escaped == [MailAddress(displayName: "Ada \"the first\" L", address: "ada@example.com")])
        #expect(AddressListParser.parse("<@relay.example:ada@example.com>") == [MailAddress(address: "ada@example.com")])
        #expect(AddressListParser.parse("Ada <ada@example.com") == [MailAddress(displayName: "Ada", address: "ada@example.com")])
        #expect(AddressListParser.parse("Ada Lovelace ada@example.com") == [MailAddress(displayName: "Ada Lovelace", address: "ada@example.com")])
        #expect(AddressListParser.parse("") == [])
        #expect(AddressListParser.parse(" , ,") == [])
    }

    @Test("a comma inside a comment or angle brackets does not split")
    func commasInside() {
        #expect(AddressListParser.parse("a@example.com (Smith, A), <b@example.com>") == [
            MailAddress(displayName: "Smith, A", address: "a@example.com"),
            MailAddress(address: "b@example.com"),
        ])
    }
}
