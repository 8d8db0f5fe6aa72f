// Starts Redoc on /api/v1/redoc/ from a file: the page's Content Security
// Policy allows no inline script. The <style> elements Redoc's
// styled-components insert carry this script's nonce, which the policy names.
(function () {
  var me = document.currentScript;
  Redoc.init(
    me.getAttribute("data-spec-url"),
    { nonce: me.nonce },
    document.getElementById("redoc-container")
  );
})();
