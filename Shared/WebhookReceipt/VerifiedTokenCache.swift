import Encryption
import Jira
import Synchronization

/// Connect tokens this instance has already verified, so that a token Jira sends again is not
/// decoded, parsed and HMAC-checked again.
///
/// Jira signs a token per request target and second, so a tenant's busy second sends the same
/// token many times. A held result is used only when all of these still hold, else the token is
/// verified in full:
/// - the same token text, method, target and `qsh` rule (so the same `qsh`);
/// - the same shared secret as the tenant holds now (a re-install with a new secret misses);
/// - the token's times, checked again against the clock on every use.
///
/// Bounded: at most `capacity` entries; when full, all are dropped (as `TenantCache` does).
final class VerifiedTokenCache: Sendable {
    struct Key: Hashable, Sendable {
        let token: String
        let method: String
        let target: String
        let rule: ConnectTokenVerifier.QueryStringHashRule
    }

    struct Entry: Sendable {
        let claims: JWTClaims
        /// The secret the signature was checked with.
        let secret: Secret
    }

    private let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    /// What is held for `key`: its claims and the secret they were verified with.
    func entry(for key: Key) -> Entry? {
        entries.withLock { $0[key] }
    }

    /// Holds `claims`, verified for `key` with `secret`.
    func remember(_ claims: JWTClaims, for key: Key, secret: Secret) {
        entries.withLock { held in
            if held.count >= capacity, held[key] == nil { held.removeAll(keepingCapacity: true) }
            held[key] = Entry(claims: claims, secret: secret)
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
