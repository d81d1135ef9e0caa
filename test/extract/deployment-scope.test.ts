import { describe, expect, it } from "vitest";
import { chooseScope, isKnownRegionalScope, scopeKindOf } from "../../pipeline/extract/deployment-scope.ts";

describe("a deployment-scope column", () => {
  it("tells Global and International from scopes tied to one place", () => {
    expect(scopeKindOf("Global")).toBe("global");
    expect(scopeKindOf("International")).toBe("international");
    expect(scopeKindOf("Hong Kong (China)")).toBe("regional");
    expect(scopeKindOf("Chinese Mainland")).toBe("regional");
    expect(isKnownRegionalScope("Hong Kong (China)")).toBe(true);
    expect(isKnownRegionalScope("Chinese Mainland")).toBe(true);
    expect(isKnownRegionalScope("US (Virginia)")).toBe(false);
  });

  it("reads Global where a model has it, else International, never a regional scope", () => {
    expect(chooseScope(["International", "Global", "Chinese Mainland"])).toEqual({ chosen: "Global", passed: ["International", "Chinese Mainland"] });
    expect(chooseScope(["International", "International", "Hong Kong (China)"])).toEqual({ chosen: "International", passed: ["Hong Kong (China)"] });
    expect(chooseScope(["Hong Kong (China)", "Hong Kong (China)"])).toEqual({ chosen: undefined, passed: ["Hong Kong (China)"] });
  });
});
