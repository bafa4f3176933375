import Foundation
import Platform

/// Which object store a service uses, from `MAILBRIDGE_*` variables:
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `MAILBRIDGE_OBJECT_STORE` | `directory` (the embedded default) or `s3` | `directory` |
/// | `MAILBRIDGE_OBJECT_STORE_DIR` | the directory's root | `.mailbridge/objects` |
/// | `MAILBRIDGE_S3_ENDPOINT`, `MAILBRIDGE_S3_REGION`, `MAILBRIDGE_S3_BUCKET` | where the bucket is | required, `us-east-1`, required |
/// | `MAILBRIDGE_S3_ACCESS_KEY`, `MAILBRIDGE_S3_SECRET_KEY` | SigV4 credentials | required |
public enum ObjectStoreSettings: Sendable {
    case directory(URL)
    case s3(S3ObjectStore.Configuration)

    /// Reads the settings; problems are recorded in `env` (call `env.validate()` before use).
    public static func read(_ env: inout EnvironmentReader) -> ObjectStoreSettings {
        switch env.choice("MAILBRIDGE_OBJECT_STORE", among: ["directory", "s3"], default: "directory") {
        case "s3":
            let endpoint = env.url("MAILBRIDGE_S3_ENDPOINT", schemes: ["http", "https"])
            let region = env.string("MAILBRIDGE_S3_REGION", default: "us-east-1")
            let bucket = env.required("MAILBRIDGE_S3_BUCKET")
            let access = env.required("MAILBRIDGE_S3_ACCESS_KEY")
            let secret = env.required("MAILBRIDGE_S3_SECRET_KEY", secret: true)
            return .s3(
                S3ObjectStore.Configuration(
                    endpoint: endpoint, region: region, bucket: bucket,
                    credentials: SigV4Credentials(accessKeyID: access, secretAccessKey: secret)))
        default:
            return .directory(URL(fileURLWithPath: env.string("MAILBRIDGE_OBJECT_STORE_DIR", default: ".mailbridge/objects")))
        }
    }

    /// The store these settings name.
    public func makeStore() throws -> any ObjectStore {
        switch self {
        case .directory(let root): LocalDirectoryObjectStore(root: root)
        case .s3(let configuration): try S3ObjectStore(configuration: configuration)
        }
    }
}
