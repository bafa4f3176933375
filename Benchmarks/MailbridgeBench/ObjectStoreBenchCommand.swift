import ArgumentParser
import Foundation
import Logging
import ObjectStorage

/// Puts one file to an S3 bucket through `S3ObjectStore` and gets it back to a file, `rounds`
/// times, and measures megabytes per second for each direction.
///
/// The store runs with its defaults unless told otherwise: path-style addressing, signed payloads
/// (the SHA-256 of every body), multipart above 16 MiB in 8 MiB parts. Each round uses a fresh
/// key under a per-run prefix; every key is deleted at the end (and the bucket too, with
/// `--create-bucket`).
struct ObjectStoreBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "object-store",
        abstract: "Put and get throughput of S3ObjectStore with one file."
    )

    @Option(help: "The S3 endpoint, such as http://127.0.0.1:59000.")
    var endpoint: String

    @Option(help: "Region for signing.")
    var region: String = "us-east-1"

    @Option(name: .customLong("access-key"), help: "Access key id.")
    var accessKey: String

    @Option(name: .customLong("secret-key"), help: "Secret access key.")
    var secretKey: String

    @Option(help: "Bucket name.")
    var bucket: String

    @Option(help: "The file to put and get back.")
    var file: String

    @Option(help: "Rounds (one put and one get each).")
    var rounds: Int = 3

    @Flag(name: .customLong("unsigned-payload"), help: "Send UNSIGNED-PAYLOAD instead of each body's SHA-256.")
    var unsignedPayload = false

    @Option(name: .customLong("multipart-threshold-mib"), help: "Upload in parts above this many MiB (default 16).")
    var multipartThresholdMiB: Int = 16

    @Option(name: .customLong("part-size-mib"), help: "Part size in MiB (default 8, at least 5).")
    var partSizeMiB: Int = 8

    @Flag(name: .customLong("create-bucket"), help: "Create the bucket first and delete it at the end.")
    var createBucket = false

    @Flag(name: .customLong("skip-get"), help: "Only put (for timing the put as a whole process).")
    var skipGet = false

    @Option(name: .customLong("log-level"), help: "Log level on standard error.")
    var logLevel: String = "warning"

    func validate() throws {
        guard rounds > 0, multipartThresholdMiB > 0, partSizeMiB >= 5 else {
            throw ValidationError("--rounds and --multipart-threshold-mib must be positive, --part-size-mib at least 5")
        }
        guard URL(string: endpoint) != nil else { throw ValidationError("--endpoint is not a URL") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let logger = BenchLogger.make("mailbridge.bench.object-store", level: Logger.Level(rawValue: logLevel) ?? .warning)
        var report = BenchReport()
        let source = URL(fileURLWithPath: file)
        let size = try (FileManager.default.attributesOfItem(atPath: source.path)[.size] as? NSNumber)?.int64Value ?? 0
        guard size > 0 else { throw ValidationError("\(file) is empty or unreadable") }

        let configuration = S3ObjectStore.Configuration(
            endpoint: URL(string: endpoint)!, region: region, bucket: bucket,
            credentials: SigV4Credentials(accessKeyID: accessKey, secretAccessKey: secretKey),
            payloadSigning: unsignedPayload ? .unsigned : .signed,
            multipartThreshold: Int64(multipartThresholdMiB) << 20, partSize: partSizeMiB << 20)
        let store = try S3ObjectStore(configuration: configuration, logger: logger)
        if createBucket { try await store.createBucket() }

        let prefix = "mailbridge-bench/\(uniqueRunSuffix())/"
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mailbridge-bench-get-\(uniqueRunSuffix())")
        report.say(String(
            format: "object-store: %.1f MB file, %d rounds, bucket %@ at %@, %@ payloads, multipart above %d MiB in %d MiB parts",
            Double(size) / 1e6, rounds, bucket, endpoint, unsignedPayload ? "unsigned" : "signed", multipartThresholdMiB, partSizeMiB))

        var putRates: [Double] = []
        var getRates: [Double] = []
        let clock = ContinuousClock()
        do {
            for round in 1...rounds {
                let key = "\(prefix)round-\(round)"
                let putTime = try await clock.measure { try await store.put(key: key, file: source) }
                putRates.append(Double(size) / 1e6 / putTime.seconds)
                var line = String(format: "  round %d  put %7.3f s  %8.1f MB/s", round, putTime.seconds, putRates.last!)
                if !skipGet {
                    let getTime = try await clock.measure { try await store.get(key: key, to: scratch) }
                    let got = try (FileManager.default.attributesOfItem(atPath: scratch.path)[.size] as? NSNumber)?.int64Value ?? -1
                    guard got == size else { throw ValidationError("got back \(got) bytes, put \(size)") }
                    try? FileManager.default.removeItem(at: scratch)
                    getRates.append(Double(size) / 1e6 / getTime.seconds)
                    line += String(format: "   get %7.3f s  %8.1f MB/s", getTime.seconds, getRates.last!)
                }
                report.say(line)
            }
        } catch {
            try? FileManager.default.removeItem(at: scratch)
            _ = try? await store.deleteAll(prefix: prefix)
            if createBucket { try? await store.deleteBucket() }
            throw error
        }
        _ = try await store.deleteAll(prefix: prefix)
        if createBucket { try await store.deleteBucket() }

        let putMedian = median(putRates)
        report.say(String(format: "  median put %.1f MB/s", putMedian))
        report.record("s3_object_bytes", Int(size))
        report.record("s3_put_mb_per_s", putMedian)
        if !getRates.isEmpty {
            let getMedian = median(getRates)
            report.say(String(format: "  median get %.1f MB/s", getMedian))
            report.record("s3_get_mb_per_s", getMedian)
        }
        report.printFigures()
    }
}
