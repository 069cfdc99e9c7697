<#-- The FAMHP page frame around Keycloak's forms: a service banner, the agency's logo and name, a language
     bar of links, page messages as an alert region. Written for the reference stack (not copied from
     Keycloak's templates); the pages of keycloak.v2 and base call it through `registrationLayout`. -->
<#macro registrationLayout bodyClass="" displayInfo=false displayMessage=true displayRequiredFields=false otherArgs...>
<!DOCTYPE html>
<html lang="${lang}" class="famhp-html"<#if realm.internationalizationEnabled> dir="${(locale.rtl)?then('rtl','ltr')}"</#if>>
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex, nofollow">
    <title>${msg("loginTitle",(realm.displayName!''))} · ${msg("famhpBrandName")}</title>
    <link rel="icon" href="${url.resourcesPath}/img/famhp-logo.svg" type="image/svg+xml">
    <#if properties.stylesCommon?has_content>
        <#list properties.stylesCommon?split(' ') as style>
            <link href="${url.resourcesCommonPath}/${style}" rel="stylesheet">
        </#list>
    </#if>
    <#if properties.styles?has_content>
        <#list properties.styles?split(' ') as style>
            <link href="${url.resourcesPath}/${style}" rel="stylesheet">
        </#list>
    </#if>
    <script type="importmap">
        { "imports": { "rfc4648": "${url.resourcesCommonPath}/vendor/rfc4648/rfc4648.js" } }
    </script>
    <#if properties.scripts?has_content>
        <#list properties.scripts?split(' ') as script>
            <script src="${url.resourcesPath}/${script}" type="text/javascript"></script>
        </#list>
    </#if>
    <#if scripts??>
        <#list scripts as script>
            <script src="${script}" type="text/javascript"></script>
        </#list>
    </#if>
    <#-- the show/hide control of password fields (keycloak.v2's field macro renders it) -->
    <script type="module" src="${url.resourcesPath}/js/passwordVisibility.js"></script>
</head>

<body class="${properties.kcBodyClass!} ${bodyClass}" data-page-id="login-${pageId}">
<div class="famhp-banner" id="famhp-banner" role="note">
    <span class="famhp-banner__flag" aria-hidden="true"></span>
    <span class="famhp-banner__text">${msg("famhpBannerText")}</span>
</div>
<header class="famhp-header">
    <img class="famhp-header__logo" src="${url.resourcesPath}/img/famhp-logo.svg" alt="${msg("famhpLogoAlt")}" width="48" height="48">
    <div class="famhp-header__names">
        <span class="famhp-header__brand">${msg("famhpBrandName")}</span>
        <span class="famhp-header__realm">${realm.displayName!''}</span>
    </div>
    <#if realm.internationalizationEnabled && locale.supported?size gt 1>
        <nav class="famhp-languages" aria-label="${msg("languages")}">
            <ul>
                <#list locale.supported?sort_by("languageTag") as l>
                    <li><a href="${l.url}" hreflang="${l.languageTag}" lang="${l.languageTag}"
                           <#if l.languageTag == locale.currentLanguageTag>aria-current="true" class="famhp-languages__current"</#if>>${l.languageTag?upper_case}</a></li>
                </#list>
            </ul>
        </nav>
    </#if>
</header>

<main class="famhp-main">
    <section class="famhp-card">
        <h1 class="famhp-card__title"><#nested "header"></h1>

        <#if auth?has_content && auth.showUsername() && !auth.showResetCredentials()>
            <#nested "show-username">
            <p class="famhp-signed-in-as">
                <span id="kc-attempted-username">${auth.attemptedUsername}</span>
                <a id="reset-login" href="${url.loginRestartFlowUrl}">${msg("restartLoginTooltip")}</a>
            </p>
        </#if>
        <#if displayRequiredFields>
            <p class="famhp-required-note"><span aria-hidden="true">*</span> ${msg("requiredFields")}</p>
        </#if>

        <#-- app-initiated actions do not show the "you need to ..." warning, as Keycloak's themes do -->
        <#if displayMessage && message?has_content && (message.type != 'warning' || !isAppInitiatedAction??)>
            <div class="famhp-notice famhp-notice--${message.type}" role="alert">
                <span class="kc-feedback-text">${kcSanitize(message.summary)?no_esc}</span>
            </div>
        </#if>

        <#if pageId == "login-update-password">
            <p class="famhp-advice" id="famhp-password-advice">${msg("famhpPasswordAdvice")}</p>
        </#if>

        <div class="famhp-card__body">
            <#nested "form">
        </div>

        <#if auth?has_content && auth.showTryAnotherWayLink()>
            <form id="kc-select-try-another-way-form" action="${url.loginAction}" method="post" novalidate="novalidate">
                <input type="hidden" name="tryAnotherWay" value="on">
                <button id="try-another-way" class="famhp-link-button" type="submit">${msg("doTryAnotherWay")}</button>
            </form>
        </#if>

        <#if switchOrganizationEnabled?? && switchOrganizationEnabled>
            <form id="kc-switch-organization-form" action="${url.loginAction}" method="post" novalidate="novalidate">
                <input type="hidden" name="switchOrganization" value="true">
                <button id="switch-organization" class="famhp-link-button" type="submit">${msg("doSwitchOrganization")}</button>
            </form>
        </#if>

        <#nested "socialProviders">

        <#if displayInfo>
            <div id="kc-info" class="famhp-card__info">
                <#nested "info">
            </div>
        </#if>
    </section>
</main>

<footer class="famhp-footer">
    <p>${msg("famhpFooterText")}</p>
</footer>
</body>
</html>
</#macro>
