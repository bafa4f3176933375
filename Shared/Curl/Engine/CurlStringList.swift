import CCurl

/// A `curl_slist` built from Swift strings, freed exactly once when this object goes away.
///
/// The easy handle that points at the list must be cleaned up (or pointed elsewhere) first:
/// ``CurlTransfer`` guarantees that by cleaning up its handle before its lists are released.
final class CurlStringList {
    /// The head of the list; `nil` for an empty list.
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    /// A list of copies of `strings`, in order.
    /// - Throws: ``CurlTransferFailure`` when libcurl cannot allocate the list.
    init(_ strings: [String]) throws(CurlTransferFailure) {
        for string in strings {
            guard let appended = curl_slist_append(head, string) else {
                curl_slist_free_all(head)
                head = nil
                throw CurlTransferFailure(code: .outOfMemory, message: "curl_slist_append failed")
            }
            head = appended
        }
    }

    deinit {
        curl_slist_free_all(head)
    }
}
