import Testing
import Encryption

@Test("encryption errors describe their kind without key material")
func encryptionErrorDescription() {
    #expect("\(EncryptionError(.unknownKey, "no key k2 for tenant"))" == "EncryptionError.unknownKey: no key k2 for tenant")
}
