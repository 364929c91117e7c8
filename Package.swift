// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Jianfu",
    products: [
        .executable(name: "jianfu", targets: ["jianfu"]),
        .library(name: "JianfuCore", targets: ["JianfuCore"]),
    ],
    targets: [
        // epoll and eventfd for the server's event loop (not in Swift's Glibc module).
        .target(name: "CEpoll"),
        .target(name: "JianfuCore", dependencies: ["CEpoll"]),
        .executableTarget(name: "jianfu", dependencies: ["JianfuCore"]),
        .executableTarget(name: "jianfu-bench", dependencies: ["JianfuCore"]),
        // The golden files are read from the source tree by path, not bundled.
        .testTarget(name: "JianfuCoreTests", dependencies: ["JianfuCore"], exclude: ["Golden"]),
    ]
)
