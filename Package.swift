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
        .testTarget(name: "JianfuCoreTests", dependencies: ["JianfuCore"]),
    ]
)
