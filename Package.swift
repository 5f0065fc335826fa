// swift-tools-version: 6.1
// Tern: an embeddable scripting language and bytecode VM for Swift programs.
//
// The targets follow the pipeline in docs/architecture.md, one stage each, so the
// dependency graph is the architecture:
//   TernSyntax (source → AST + diagnostics) → TernCLI (the `tern` executable).
// Later stages (TernBytecode, TernCompiler, Tern, TernStdlib) are added by the issues
// that build them, between these two.
import PackageDescription

let package = Package(
  name: "Tern",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "TernSyntax", targets: ["TernSyntax"]),
    .executable(name: "tern", targets: ["TernCLI"]),
  ],
  dependencies: [
    // CLI argument parsing (subcommands, --help, --version, usage errors exit 64).
    // Used by the CLI target only, never by the library targets.
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .target(name: "TernSyntax"),
    .executableTarget(
      name: "TernCLI",
      dependencies: [
        "TernSyntax",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Shared by the test targets: finds the script tests and reads their `// expect` lines.
    .target(name: "TernTestSupport", dependencies: ["TernSyntax"], path: "Tests/TernTestSupport"),
    .testTarget(name: "TernSyntaxTests", dependencies: ["TernSyntax", "TernTestSupport"]),
    .testTarget(name: "TernCLITests", dependencies: ["TernCLI", "TernTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
