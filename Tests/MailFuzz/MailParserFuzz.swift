// libFuzzer entry point for the Mail parser, built by ops/fuzz/mail-parser.sh: it compiles this
// file together with every source of the Mail target into one module (so no `import Mail`).
// Not a SwiftPM target.
@_cdecl("LLVMFuzzerTestOneInput") public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { let bytes = Array(UnsafeBufferPointer(start: data, count: size)); _ = MailParser().parse(bytes); return 0 }
