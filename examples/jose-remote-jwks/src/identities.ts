/**
 * Two fixed RS256 identities of the fake identity provider (public JWK and one token each),
 * generated once with jose and committed: a run must not depend on fresh key material, and
 * RS256 signatures are deterministic, so every run serves and verifies the same bytes.
 */

/** A public signing key as a JWKS endpoint serves it. */
export interface PublicJwk {
  readonly kty: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: string;
  readonly n: string;
  readonly e: string;
}

/** One identity: its public key and a token (`sub: "user-1"`, no expiry) signed by it. */
export interface Identity {
  readonly jwk: PublicJwk;
  readonly token: string;
}

/** The identity `key-1`. */
export const KEY_1: Identity = {
  jwk: {
    kty: "RSA",
    kid: "key-1",
    alg: "RS256",
    use: "sig",
    e: "AQAB",
    n:
      "tFh_VbwzSr_Ng8Kzqc9Ea0XaykEOqwpkZZ-7rLguqcmvHEvjunRtvDMwqggIEezMytSD0J6ELD_G_G3ZTuGIuu2H" +
      "dlcsW8s9RtJLwT2bui7bYfXGMQjsMOrBVF2lfiANAJtoDFDVXREsfXwbY5k0GbY1fvZeTD_1SpN9roRq7i3FQ_dG" +
      "SeBvnJEYeu7eM24hfbDu5ROsUGxcYVrDH40Pcc8lucAZssD3z93OiHtdIJONRnMYdxr73wYIr3MnfsayllDsCsWC" +
      "s0dAOz9BDdPDMy3_tAgSmCDQwVTVI6Kzb0R1NhAvMt35JJyMe_81mAkryVEGVPA6No8S_FRwDU5cGQ",
  },
  token:
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleS0xIn0.eyJzdWIiOiJ1c2VyLTEiLCJzY29wZSI6InJlYWQifQ.p9iRq" +
    "CRhiJ2n2zGd2Pu-YLcRRgvfxN9qbZUsW7cnF-K6WoW_erxmXQ4TAUbGgM_Dzh1nsY8MHYXBSSCeENEQI9tYURGy9" +
    "JJ_L6U1c_3t7FBf4-4WWCbFMz37UK1fU4E7KIVJW445TcgndnKl4FZQizPsk_jBsbPi0v1T7s9GrLDcJfiBG3Uu7" +
    "QwKBPiobLbN6wuZh7eQ0L6HMxXzSUN_DvCxitHGIq5LkPqVi1v_Z2EITGgMcqL3NQ5NG990-4DZIXr0R1ssPd45J" +
    "9fxLPBFTnXDIMqGicyyRTQjO70AbE6HcmRa5hUoybdFTF3FB1_wgG05kq8w972VPolU_FZV8g",
};

/** The identity `key-2`. */
export const KEY_2: Identity = {
  jwk: {
    kty: "RSA",
    kid: "key-2",
    alg: "RS256",
    use: "sig",
    e: "AQAB",
    n:
      "wq4ZOML3WWoKPupR8XlG8sMAyt2KP3MNQgwwHXbrZiRl8Ar2MOnr9OY3XR_z0-iyrS_xbfzR3xv4WDjoFvvf-iO4" +
      "OJNu2z8L9wdVQD_nEe_CaQDlVWLKtBrwIqPgqNbE8cKcNJXFrcoutLvdryad6_NXTJAM2V2CC3pjF8EqwaJ8PRUH" +
      "P2hYHZvYV9CgtqHn6ueLYbugK-ripuuv2TSZN6DfdE_eLhX8Mo4cDbCWvvMbB6vj5MRwtmGDW15EIrVKFEp1YrQi" +
      "Tlyk-d99GzEns5jqgkMdhwIWTk0Wj_leZ9qz1qjVsKfDQbHUb3La3RGpDKqTOjQOptbfvZhjXQd9eQ",
  },
  token:
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleS0yIn0.eyJzdWIiOiJ1c2VyLTEiLCJzY29wZSI6InJlYWQifQ.Rmza3" +
    "3A0Rzoi8g5bkxd88OD56UywVIwrjaryYFX-3ePw43x1IecoT-lXBPhHUPe0BF6daAPWTfEO5PrawXbYYT9VE2slW" +
    "EVdSQ8QpbAmANlgkgyYh9mWXbgycsdBq2Vdu_6af4dY_2nFkrVZU6dfAlUWOAjbLvKqojYYIGWP2D14-GkxxM4UX" +
    "BaF5LyzrYyEHMGFMMYVbLD6T5NJFkEK6i3hAoQw6aW59hXB5O5I2N_jiE5XlMKwwpyjg6eeyCBueqobDbmkkCttM" +
    "H01ZygwaY2wgcwBfcftRcmDgj4DwLfsdrmhmKvPAdAvzNu46NTRtiBR80o5e3yURxsSg_tTOA",
};
