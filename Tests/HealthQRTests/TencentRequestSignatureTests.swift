import Foundation
import HealthQR
import Testing

/// health-code.md §4.9: the two published vectors, and the rules around them.
@Suite("Tencent health-card open platform request signature")
struct TencentRequestSignatureTests {
    @Test("vector 1: empty appToken and the old sign are left out; Base64 of SHA-256")
    func vectorOne() throws {
        let fields: [String: Any] = [
            "appId": "a1a2e0bde41574ad8ea9a4bb58022oop", "hospitalId": "90003",
            "requestId": "DB4D975748A84309977EA25224C0F5CF", "timestamp": 1_525_392_000, "appToken": "",
            "sign": "old",
        ]
        #expect(
            try TencentRequestSignature.canonicalString(of: fields)
                == "appId=a1a2e0bde41574ad8ea9a4bb58022oop&hospitalId=90003&requestId=DB4D975748A84309977EA25224C0F5CF&timestamp=1525392000"
        )
        #expect(
            try TencentRequestSignature.signature(of: fields, appSecret: "8c8e763f443ef983ac33aef1c7085cfb")
                == "TsccMUMTHfOiEovR2hMlRXcQqctRFmPbpPIZdxXCJ/o=")
    }

    @Test("vector 2: a numeric 0 is kept")
    func vectorTwo() throws {
        #expect(try TencentRequestSignature.canonicalString(of: ["channelNum": 0]) == "channelNum=0")
        #expect(
            try TencentRequestSignature.signature(of: ["channelNum": 0], appSecret: "secret")
                == "izPY5tjxkXETiFSV03ck5ImGpUv2fvK8aHcFrDebzc4=")
    }

    @Test("a body: commonIn and req merged, null dropped, nested values as sorted compact JSON; sign set")
    func body() throws {
        let json = #"""
            {"commonIn": {"appToken": "", "requestId": "R1", "hospitalId": "90003", "channelNum": 0,
             "timestamp": 1525392000, "sign": "old"},
             "req": {"healthCardId": "H1", "idType": "01", "extra": null, "list": [{"b": 2, "a": 1}]}}
            """#
        let fields = try TencentRequestSignature.signedFields(ofBody: Array(json.utf8))
        #expect(
            try TencentRequestSignature.canonicalString(of: fields)
                == #"channelNum=0&healthCardId=H1&hospitalId=90003&idType=01&list=[{"a":1,"b":2}]&requestId=R1&timestamp=1525392000"#
        )
        let signed = try TencentRequestSignature.sign(body: Array(json.utf8), appSecret: "s")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(signed.body)) as? [String: Any])
        let common = try #require(object["commonIn"] as? [String: Any])
        #expect(common["sign"] as? String == signed.sign)
        #expect(signed.sign == (try TencentRequestSignature.signature(of: fields, appSecret: "s")))
        // Signing the signed body again gives the same signature: the sign field is never signed.
        #expect(try TencentRequestSignature.sign(body: signed.body, appSecret: "s").sign == signed.sign)
    }

    @Test("refused: no commonIn, req not an object, a key in both, not JSON")
    func refused() {
        for json in [#"{"req": {}}"#, #"{"commonIn": {}, "req": 3}"#, #"{"commonIn": {"a": 1}, "req": {"a": 2}}"#, "{"] {
            #expect(throws: TencentRequestSignature.Failure.self, "\(json)") {
                try TencentRequestSignature.signedFields(ofBody: Array(json.utf8))
            }
        }
    }
}
