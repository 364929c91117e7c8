// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Jianfu",
    products: [
        .executable(name: "jianfu", targets: ["jianfu"]),
        .library(name: "JianfuCore", targets: ["JianfuCore"]),
    ],
    targets: [
        .target(name: "JianfuCore"),
        .executableTarget(name: "jianfu", dependencies: ["JianfuCore"]),
        .executableTarget(name: "jianfu-bench", dependencies: ["JianfuCore"]),
        // The golden files are read from the source tree by path, not bundled.
        .testTarget(name: "JianfuCoreTests", dependencies: ["JianfuCore"], exclude: ["Golden"]),
    ]
)
