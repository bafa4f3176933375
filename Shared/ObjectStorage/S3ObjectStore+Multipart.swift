import Crypto
import Curl
import Foundation

extension S3ObjectStore {
    /// Uploads the file at `path` (of `size` bytes) in parts, each read from the file just before
    /// it is sent, then completes the upload with the parts' ETags. On any failure the upload is
    /// aborted, so S3 keeps no orphan parts, and the error is rethrown.
    func putMultipart(key: String, path: String, size: Int64) async throws {
        // S3 allows at most 10,000 parts.
        let partSize = Int64(max(configuration.partSize, Int((size + 9_999) / 10_000)))
        let uploadID = try await createMultipartUpload(key: key)
        do {
            var etags: [String] = []
            var offset: Int64 = 0
            while offset < size {
                let length = Int(min(partSize, size - offset))
                let partOffset = offset
                let bytes = try await BlockingIO.run { () throws -> [UInt8] in
                    let source = try LocalFile.openForReading(path)
                    defer { source.close() }
                    return try source.read(at: partOffset, count: length)
                }
                guard bytes.count == length else {
                    throw ObjectStorageError(code: "IOError", message: "\(path) shrank while it was uploaded")
                }
                let etag = try await uploadPart(key: key, uploadID: uploadID, number: etags.count + 1, bytes: bytes)
                etags.append(etag)
                offset += Int64(length)
            }
            try await completeMultipartUpload(key: key, uploadID: uploadID, etags: etags)
        } catch {
            // Not a child task: the abort is sent even when this task was cancelled.
            let abort = Task { try await abortMultipartUpload(key: key, uploadID: uploadID) }
            do {
                try await abort.value
            } catch let abortError {
                logger.error("could not abort a multipart upload", metadata: [
                    "key": "\(key)", "uploadId": "\(uploadID)", "error": "\(abortError)",
                ])
            }
            throw error
        }
    }

    /// Starts a multipart upload and returns its `UploadId`.
    func createMultipartUpload(key: String) async throws -> String {
        let context = "create multipart upload \(key)"
        let response = try await send(S3Request(method: .post, key: key, query: [.init("uploads")]), context)
        guard let root = try? S3XML.parse(response.body), let uploadID = root.text(of: "UploadId"), !uploadID.isEmpty else {
            throw ObjectStorageError(code: "InvalidResponse", message: "\(context): no UploadId in the reply", status: response.status)
        }
        return uploadID
    }

    /// Uploads part `number` and returns its ETag as sent (quoted).
    func uploadPart(key: String, uploadID: String, number: Int, bytes: [UInt8]) async throws -> String {
        let context = "upload part \(number) of \(key)"
        let request = S3Request(method: .put, key: key, query: [.init("partNumber", "\(number)"), .init("uploadId", uploadID)], body: bytes)
        let response = try await send(request, context)
        guard let etag = response.headers["ETag"], !etag.isEmpty else {
            throw ObjectStorageError(code: "InvalidResponse", message: "\(context): no ETag in the reply", status: response.status)
        }
        return etag
    }

    /// Completes the upload from its parts' ETags, in part order.
    func completeMultipartUpload(key: String, uploadID: String, etags: [String]) async throws {
        let context = "complete multipart upload \(key)"
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (index, etag) in etags.enumerated() {
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let request = S3Request(method: .post, key: key, query: [.init("uploadId", uploadID)], headers: ["Content-Type": "application/xml"], body: Array(xml.utf8))
        // S3 may report a failure inside a 200 reply; it is retried like a 5xx.
        _ = try await send(request, context) { response in
            if let root = try? S3XML.parse(response.body), root.name == "Error" {
                throw Self.error(status: 500, body: response.body, context)
            }
        }
    }

    /// Aborts the upload, discarding its parts.
    func abortMultipartUpload(key: String, uploadID: String) async throws {
        _ = try await send(S3Request(method: .delete, key: key, query: [.init("uploadId", uploadID)]), "abort multipart upload \(key)", accepting: [404])
    }
}
