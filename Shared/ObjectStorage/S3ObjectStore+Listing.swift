import Crypto
import Curl
import Foundation

extension S3ObjectStore {
    /// One page of ListObjectsV2.
    public func list(prefix: String, continuationToken: String?, limit: Int) async throws -> ObjectListing {
        try ObjectKey.validatePrefix(prefix)
        let limit = try checkedListLimit(limit)
        var query: [SigV4Signer.QueryItem] = [.init("list-type", "2"), .init("max-keys", "\(limit)")]
        if !prefix.isEmpty { query.append(.init("prefix", prefix)) }
        if let continuationToken { query.append(.init("continuation-token", continuationToken)) }
        let context = "list \(ObjectKey.quoted(prefix))"
        let response = try await send(S3Request(method: .get, key: nil, query: query), context)
        let root: S3XMLNode
        do {
            root = try S3XML.parse(response.body)
        } catch {
            throw ObjectStorageError(code: "InvalidResponse", message: "\(context): \(error)", status: response.status)
        }
        guard root.name == "ListBucketResult" else {
            throw ObjectStorageError(code: "InvalidResponse", message: "\(context): a <\(root.name)> reply", status: response.status)
        }
        let objects = root.children("Contents").map { entry in
            ObjectInfo(
                key: entry.text(of: "Key") ?? "",
                size: entry.text(of: "Size").flatMap { Int64($0) } ?? 0,
                etag: entry.text(of: "ETag").map(Self.unquoted),
                lastModified: entry.text(of: "LastModified").flatMap(Self.isoDate)
            )
        }
        let truncated = root.text(of: "IsTruncated") == "true"
        let next = root.text(of: "NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        if truncated && next == nil {
            throw ObjectStorageError(code: "InvalidResponse", message: "\(context): a truncated listing without NextContinuationToken")
        }
        return ObjectListing(objects: objects, nextContinuationToken: truncated ? next : nil)
    }

    /// Lists the prefix a page at a time and removes each page with one multi-object delete
    /// (`POST ?delete`, up to 1000 keys, with `Content-MD5`).
    ///
    /// - Throws: the first per-key error S3 reports, after counting what was deleted before it.
    public func deleteAll(prefix: String) async throws -> Int {
        try ObjectKey.validatePrefix(prefix)
        var deleted = 0
        var previous: [String] = []
        while true {
            // Always the first page: what was listed before is gone.
            let page = try await list(prefix: prefix, continuationToken: nil, limit: maxListLimit)
            guard !page.objects.isEmpty else { return deleted }
            guard page.keys != previous else {
                throw ObjectStorageError(code: "InternalError", message: "deleting \(ObjectKey.quoted(prefix)): the same objects are listed after their deletion")
            }
            previous = page.keys
            try await deleteObjects(page.keys)
            deleted += page.objects.count
        }
    }

    /// Deletes up to 1000 keys in one request.
    func deleteObjects(_ keys: [String]) async throws {
        let context = "delete \(keys.count) objects"
        var xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
        for key in keys {
            xml += "<Object><Key>\(S3XML.escape(key))</Key></Object>"
        }
        xml += "</Delete>"
        let body = Array(xml.utf8)
        let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
        let request = S3Request(
            method: .post, key: nil, query: [.init("delete")],
            headers: ["Content-MD5": md5, "Content-Type": "application/xml"], body: body
        )
        let response = try await send(request, context)
        guard let root = try? S3XML.parse(response.body) else { return }
        if root.name == "Error" {
            throw Self.error(status: 500, body: response.body, context)
        }
        if let failure = root.children("Error").first {
            throw ObjectStorageError(
                code: failure.text(of: "Code") ?? "InternalError",
                message: "\(context): \(failure.text(of: "Key").map(ObjectKey.quoted) ?? "a key"): \(failure.text(of: "Message") ?? "")",
                status: response.status,
                isRetriable: failure.text(of: "Code") == "SlowDown" || failure.text(of: "Code") == "InternalError"
            )
        }
    }
}
