import Testing
import ObjectStorage

@Test("object storage errors carry the store's code and status")
func objectStorageErrorDescription() {
    let error = ObjectStorageError(code: "SlowDown", message: "reduce your request rate", status: 503, isRetriable: true)
    #expect("\(error)" == "ObjectStorageError SlowDown (HTTP 503): reduce your request rate [retriable]")
}
