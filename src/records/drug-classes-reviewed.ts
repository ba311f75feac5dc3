/**
 * Ingredients reviewed as carrying no critical flag, per mixed 薬効分類 (CATEGORY_RULES `mixed`).
 *
 * In a category that mixes critical and other drugs, an ingredient that matches no INGREDIENT_RULES stem
 * is classified "no flag" only if it was reviewed; a new ingredient (a later price list) stays
 * unclassified until someone reviews it. The list holds fingerprints (FNV-1a 32-bit of
 * `category|normalised ingredient name`), not names: the reviewed names are those of the MHLW price list
 * of 2025-07-16, which stays out of the repository. test/records/drug-price-list.test.ts prints the
 * name and fingerprint of every unreviewed ingredient (docs/drug-classes.md: updating the catalogue).
 */
import { normaliseDrugName } from './drug-classes-names.js';

export const reviewFingerprint = (category: string, ingredient: string): string => {
  const text = `${category}|${normaliseDrugName(ingredient)}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
};

const REVIEWED: Readonly<Record<string, string>> = {
  1125: `27cedea4 c5cb95fe fb37eb60`,
  1143: `434cc9f7 a6d13c21`,
  1149: `038bccc5 158a25af 1a42b579 1bad32cf 50e5d2a7 5cef0110 68f9fa9f 693466a6 79aad9d3 8210635e
    8acf25db 990e4891 996ecbb2 ba46b06a bb318995 c24dbd47 c4cf9192 d6b23a1f e16fbec1 e82484a9
    fc5bb6ab`,
  1169: `026726a9 1456d505 2c04e7e5 3758d096 3802d87f 563a5a45 5a6e640c 5bea03d2 6313ab55 71b9526a
    72e2facc a15a9db6 a7de10c4 af650d01 b64d135c cb0b4370 ce1605a6 da810793 f3934f6d fc17e31e`,
  1190: `0b7a250c 10e843cd 12509d39 16158f3a 211faded 2a206aba 2bc48fd5 360f6d15 41507ddc 4f956466
    53869ff4 6035a7ae 733ef24f 81ef5ae1 848b9d50 9c4eefb8 9ce16d39 9dda8c66 a7216985 b6d13cc1
    b8dc6a1f bc693a9d bfbb0b2a c33ab15f c7c49da6 cb589dba d1085e0b db919d30 dde047cf deb1d74d
    ea24cdeb f5dae276 f820d6e9 f86b8d13`,
  2171: `020f4a1a 07233453 39e6b118 479bd99b 5044742e 559b2113 6191aef6 7edfe6c8 a4919ae5 d32a0b3a
    d53e5f79 fe608fa1 fff1d1b2`,
  2190: `0355686a 0e5476b5 3188fa37 36b6b8bd 386ca996 41f53b11 44584071 45ac3111 51bffcce 52faaec3
    5339e0ac 5497f619 5aea5583 7636d11c 7964832a 7cb4510e 7d2b8e17 88e416fb 8993c554 8c262874
    8e1ef575 906bc5af 928d70d8 984d5d6f a2970587 a97c0388 ac747e9c af362525 afa9ea80 afac358c
    b09448f0 b25c6ef5 b6d3b7e7 c36bb846 c3d158d9 c8070445 dd79b32d dfeeb2b5 e002de4a e0f6bab7
    e69daf37 f108563c f1584c1e f5004fd3 f8da7355 fc01795c`,
  2229: `5d4d5510 91152224 da75e419 eaa9650b`,
  2399: `00ed290b 07150cdd 1e764a70 3dddccb8 473982e1 523dbfd5 640fd026 648fef09 75c00879 7b2ff809
    7e771b55 7ee5ad91 85161334 87565781 8cf93883 aba826c0 b073b124 b27ae421 cd062236 d7a88e9f
    e1f4ae98 e9e9499e f76c7bf4`,
  2492: `ec3c936f`,
  2499: `07672bbd 1352d49a 1a2fd873 1a649f88 2905f32e 299228ea 317543b5 34428aea 380216e5 3a47061c
    43876f09 4dc99c86 54435a60 5a1f12ec 5d5373fb 6a536d18 7a808c50 7ba8f499 814999ae a559a68c
    a89b6846 c6dbd5ec d67f1039 ebd6c4fe ec7dcdb6 eebe8533 f090b8bb f3e568c2`,
  3399: `06d8deea 1a0b19d4 2376df11 24cb248f 26a8efe1 2ca3dbe1 391e4bfc 3ed2ff7a 4313072a 515e8592
    575886f7 7896a8d2 884608ac 9fe634ac b47b6cb2 b7eca0b0 d1221380 d5ea2d0c f709ccae`,
  3999: `01199ce0 0a9013f8 0b8fc8c0 0e7b1224 0f25fc36 15c88d9c 16eaffb7 1bceb082 1f3f9ce9 215c33d2
    23212e75 24c8d27c 2eccdc54 2f1ad21d 2f3791a6 3b36e295 3bda37f6 3f19c470 3ff7c403 423bc1f9
    53977fe9 542927e9 555ea11a 561108ae 5ab88894 6215e054 64bed7c0 6c309ca6 761379a5 7669bdc3
    77d41a4c 7bf4891f 7e2a975d 7e931640 85cc4eec 8b4e7da8 8f6338de 91293fe6 9215e450 968fe976
    96a16576 9bcaf316 9c52e3bb 9ed1267b a51a3255 aee375ce afeb4b98 b67159ac b7c0fe9d b8379732
    b92bdee3 bfe4f713 c8139761 cb32d442 cbbd385d cbee9fe6 d3c62069 d480d3c5 d5c8292d dbbcf7d2
    e4e8c397 e7b15649 e913afee e9ef229a ea217333 eac43479 ead712a2 ed72216d f4655655 fef1f9f0
    ff0ebdd6 ffa49f98`,
  4291: `01f73a22 04261e16 0515a0c2 06e40daf 08382669 0b2b48fe 0bebc180 0e8f161b 0ec1c0f9 0ef5cdc5
    1014981a 123aab40 12aebe6e 135e466e 16904450 16ce3dbe 180ba7b6 192efa83 205da2c2 216e48ef
    23ae0dcb 24b12cc2 27d78ff0 28ce4d09 2b657c9f 2e6e50e1 305c05bd 32d62862 34201b75 3443e4b7
    34bb5132 37872612 397f8bc1 39e3e2ff 3a49b887 3ae2ba04 3c3f7612 3cb7255c 3ecffd24 3f335a76
    3f838f1e 3fe081e2 408ac842 45245446 45bcc129 47c79ef9 49f55073 4a7fc183 4bdf25b0 4c34b4eb
    4d32f008 4d899a19 4e8ae601 507d17f9 51b61ab5 53941255 562b4a6d 5631ae0e 5eaf781b 5f30e159
    63ae79b3 6418c415 65369f53 67596e6a 680c074c 69a6bf75 6c6fc280 6c9a71b5 6fedd3ba 7057dbb4
    72500b6f 73012bcd 7859ad36 7ad75457 7bd9a1bc 7bdfa21d 7be392ae 7cc17fcd 7ff9e07c 83cb1296
    843f4a8b 85e1d16c 873848d4 8881a83a 8882a18f 8987da43 8c44bd1b 8deaf094 8f48bfe1 91a776f6
    91c40dee 93bb5425 9545a3b7 95f2a98b 961bed25 965d4f17 97987443 9a2c52aa 9b0546c2 9db90fea
    9e1c659d 9e71a22c 9e9b81c5 a4c5c11e a5f17caf a5fc13bd a65d7543 a77e77cf a87846de a93a2e20
    a9a747a8 a9b1dfe5 abe9847c accbb560 acd24513 acfcc095 ad8c86d5 adfd3564 ae3793d1 af72652c
    b00f2724 b02b4fb0 b0798bbe b176ee1c b1f40226 b273a6ab b5f72016 b9a2e9fe ba2ec3a1 ba3153dc
    bcf13d24 be50e0f7 bf52f8d8 c3c18791 c5c8a0ca ca1abf63 ccd9f001 cf1b0e58 d177ba4d d23295cf
    d67cac21 d7718494 d78a83b8 d7a3547a d902077b d964d68d dd2ad74e df8a40cc e01f1a0a e1bf6e36
    e22609f9 e22c7034 e2ae0359 e4107674 ea05c814 ea91637f ed7a24f8 ed9b3bd7 f0fce696 f12de206
    f4a9c2b5 f4b86e68 f57ded6d f5c24c0d f7551a3c f7a2fb37 f955e044 fad54a56 fdad9be5`,
  4490: `04a27ebf 0c472f68 1056b8d1 10f0d42c 19173478 1cb3aaae 2136b7c4 22fb6a99 28b3e324 2a39b4fb
    3a209117 4bbf1adc 4db42aef 4eb7d952 5a7e773e 628751de 6879b683 6e42983c 7389b5d9 7576f072
    766772e6 79741dcf 84cad91a 95c414b0 9899ea02 ab32c1f9 ae0a1b28 b1c72f87 bbf57357 cabc4531
    cc4f3a7b ceae58d2 e002d27b e56546c8 fbba5a54`,
  6399: `1491cbc5 3c084cb4 c8e77f54 d5b16299 db368859 f1722997 f5e2dcf6`,
};

const reviewed = new Set(
  Object.entries(REVIEWED).flatMap(([category, prints]) =>
    prints
      .trim()
      .split(/\s+/)
      .map((print) => `${category}:${print}`),
  ),
);

export const isReviewed = (category: string, ingredient: string): boolean =>
  reviewed.has(`${category}:${reviewFingerprint(category, ingredient)}`);
