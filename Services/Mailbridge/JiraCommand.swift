import ArgumentParser
import Foundation
import Tenancy

/// `mailbridge jira …`: the Atlassian Connect side of an installation.
struct JiraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jira",
        abstract: "Atlassian Connect: print the app descriptor Jira sites install.",
        subcommands: [Descriptor.self])

    struct Descriptor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print atlassian-connect.json for this installation (serve it at <base-url>/atlassian-connect.json).")

        @Option(help: "The app key (ours; stays the same for the life of the app).")
        var appKey: String = "io.mailbridge.app"

        @Option(help: "Where Jira reaches the webhook receipt service (https).")
        var baseURL: String

        @Option(help: "Vendor name shown to Jira admins.")
        var vendorName: String = "Mailbridge"

        @Option(help: "Vendor URL shown to Jira admins.")
        var vendorURL: String = "https://github.com/mailbridge/mailbridge"

        func run() throws {
            let descriptor = try ConnectDescriptor(appKey: appKey, baseURL: baseURL, vendorName: vendorName, vendorURL: vendorURL)
            FileHandle.standardOutput.write(Data(try descriptor.json()) + Data("\n".utf8))
        }
    }
}
