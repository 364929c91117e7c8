/// The tool's version, printed in every report beside the rule-pack hash.
public enum JianfuVersion {
    public static let string = "0.1.0"
}
