// swift-tools-version: 6.1
// Tern: an embeddable scripting language and bytecode VM for Swift programs.
//
// The targets follow the pipeline in docs/architecture.md, one stage each, so the
// dependency graph is the architecture:
//   TernSyntax (source → AST + diagnostics) → TernCompiler (AST → bytecode, using the
//   TernBytecode instruction set) → Tern (the VM and embedding API) → TernCLI (`tern`).
import PackageDescription

let package = Package(
  name: "Tern",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "Tern", targets: ["Tern"]),
    .library(name: "TernSyntax", targets: ["TernSyntax"]),
    .executable(name: "tern", targets: ["TernCLI"]),
  ],
  dependencies: [
    // CLI argument parsing (subcommands, --help, --version, usage errors exit 64).
    // Used by the CLI target only, never by the library targets.
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // Arbitrary-precision integers: an int that overflows 64 bits is promoted, transparently.
    .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
  ],
  targets: [
    .target(name: "TernSyntax"),
    .target(name: "TernBytecode"),
    .target(name: "TernCompiler", dependencies: ["TernSyntax", "TernBytecode"]),
    .target(
      name: "Tern",
      dependencies: ["TernSyntax", "TernBytecode", "TernCompiler", .product(name: "BigInt", package: "BigInt")]
    ),
    .executableTarget(
      name: "TernCLI",
      dependencies: [
        "Tern",
        "TernSyntax",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Shared by the test targets: finds the script tests and reads their `// expect` lines.
    .target(name: "TernTestSupport", dependencies: ["TernSyntax"], path: "Tests/TernTestSupport"),
    .testTarget(name: "TernSyntaxTests", dependencies: ["TernSyntax", "TernTestSupport"]),
    .testTarget(
      name: "TernTests", dependencies: ["Tern", "TernBytecode", "TernCompiler", "TernSyntax", "TernTestSupport"]),
    .testTarget(name: "TernCLITests", dependencies: ["TernCLI", "TernTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
