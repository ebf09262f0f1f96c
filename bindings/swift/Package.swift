// swift-tools-version:5.5
// sansip for Swift: `CSansip`, the C ABI as a Clang module (a system
// library found through pkg-config `sansip`, as `cargo cinstall --features
// capi` installs it), and `Sansip`, a thin Swift wrapper over it.
//
// Without an installed sansip.pc, point the linker at the built library:
//   swift build -Xlinker -L/path/to/sansip/target/release
import PackageDescription

let package = Package(
    name: "Sansip",
    products: [
        .library(name: "Sansip", targets: ["Sansip"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSansip",
            path: "Sources/CSansip/include",
            pkgConfig: "sansip"
        ),
        .target(name: "Sansip", dependencies: ["CSansip"]),
    ]
)
