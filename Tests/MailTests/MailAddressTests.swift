import Mail
import Testing

@Suite("Mail addresses")
struct MailAddressTests {
    @Test("domain and local part are split at the last @ and lowercased")
    func domainAndLocalPart() {
        let address = MailAddress(displayName: "Ada", address: "Ada.L@Example.COM")
        #expect(address.domain == "example.com")
        #expect(address.localPart == "ada.l")
        #expect(MailAddress(address: "postmaster").domain == "")
    }
}
